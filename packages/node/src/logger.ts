import type { Env, Redactor } from '@aiotel/genai-core';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { silencedInEnv } from './config.js';

/** The prefix on every line aiotel writes to stderr. */
export const LOG_PREFIX = '[aiotel]';

/** Distinct messages remembered for de-duplication; past this, repeats are no longer recognised but new lines still print. */
const MAX_REMEMBERED_MESSAGES = 200;

/**
 * The diag logger aiotel installs: writes `[aiotel] …` lines to stderr, prints each distinct message once
 * (a collector that is down must give one warning, not one per export), and scrubs secrets from what it prints.
 * At `debug` and more verbose levels nothing is de-duplicated: the user asked to see everything.
 */
export class AiotelLogger implements DiagLogger {
  readonly #seen = new Set<string>();
  readonly #dedupe: boolean;
  readonly #redactor: Redactor | undefined;

  constructor(level: DiagLogLevel, redactor?: Redactor) {
    this.#dedupe = level < DiagLogLevel.DEBUG;
    this.#redactor = redactor;
  }

  error(message: string, ...args: unknown[]): void {
    this.#write('error', message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.#write('warn', message, args);
  }
  info(message: string, ...args: unknown[]): void {
    this.#write('info', message, args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.#write('debug', message, args);
  }
  verbose(message: string, ...args: unknown[]): void {
    this.#write('verbose', message, args);
  }

  #write(level: string, message: string, args: unknown[]): void {
    try {
      let line = `${LOG_PREFIX} ${level}: ${message}${args.map(formatArg).join('')}`;
      if (this.#redactor) line = this.#redactor.redactString(line);
      if (this.#dedupe) {
        // Numbers (ports, durations, counts) vary between otherwise identical messages.
        const key = line.replace(/\d+/g, '#');
        if (this.#seen.has(key)) return;
        if (this.#seen.size < MAX_REMEMBERED_MESSAGES) this.#seen.add(key);
      }
      process.stderr.write(`${line}\n`);
    } catch {
      // Logging must never throw into the app (stderr closed, odd arguments).
    }
  }
}

function formatArg(arg: unknown): string {
  if (arg instanceof Error) return ` ${arg.name}: ${arg.message}`;
  if (typeof arg === 'string') return ` ${arg}`;
  if (arg === undefined) return '';
  try {
    return ` ${JSON.stringify(arg)}`;
  } catch {
    return ` ${String(arg)}`;
  }
}

/** Installs the aiotel logger as the OTel diag logger at the given level (`none` installs nothing). */
export function installLogger(level: DiagLogLevel, redactor?: Redactor): void {
  if (level === DiagLogLevel.NONE) {
    diag.disable();
    return;
  }
  diag.setLogger(new AiotelLogger(level, redactor), { logLevel: level, suppressOverrideMessage: true });
}

/**
 * Writes a warning where the diag logger may not exist yet (the loader hook fails before telemetry starts, or
 * starting itself fails). Silenced by `OTEL_LOG_LEVEL=none`, like every other line of aiotel's.
 */
export function warnConfig(message: string, env: Env = process.env): void {
  if (silencedInEnv(env)) return;
  try {
    process.stderr.write(`${LOG_PREFIX} warn: ${message}\n`);
  } catch {
    // See AiotelLogger#write.
  }
}
