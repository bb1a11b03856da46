// @opentelemetry/core's getNumberFromEnv & co. read process.env themselves and turn an invalid value into undefined or
// false without a word, so they fit neither pure resolution nor one warning per bad value; its key=value reader is
// reused where a package parses pairs (@aiotel/node).

/** Environment variables as `process.env` holds them; passed in, never read here, so resolution stays pure. */
export type Env = Readonly<Record<string, string | undefined>>;

/** How one kind of setting is read from its environment variable and checked when given in code. */
export interface SettingParser<T> {
  /** What a valid value looks like, for the warning: `true or false`, `a positive whole number`. */
  readonly expected: string;
  /**
   * The value of a non-empty, trimmed variable, or `undefined` when it is invalid as a whole. A list reports each
   * item it leaves out through `skip` (its own warning) and keeps the others.
   */
  parse(raw: string, skip: (item: string, expected: string) => void): T | undefined;
  /** The value given in code, or `undefined` when it is invalid. */
  check(value: unknown): T | undefined;
  /** Advice added to the warning for a value people often try (`grpc` where only HTTP is spoken). */
  hint?(raw: string): string | undefined;
}

/** One row of a package's settings table: the option in code, its environment variable, its parser and default. */
export interface Setting<T> {
  /** Name of the option in code (`captureMessageContent`). */
  readonly option: string;
  /** Environment variable read when the option is not given (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`). */
  readonly env: string;
  readonly parser: SettingParser<T>;
  /** Used when neither gives a valid value; `undefined` for settings that are simply absent by default. */
  readonly default: T;
  /** The default as the README writes it, where it is not the value itself (`inferred`, `{endpoint}/v1/traces`). */
  readonly documentedDefault?: string;
}

/** Where invalid values are reported, one line each (a `Set<string>` is one). */
export interface Warnings {
  add(message: string): unknown;
}

/**
 * The value of a setting: the option given in code, else its environment variable, else the default. Never throws:
 * an invalid option or variable adds one warning that names it and says what is used instead.
 */
export function resolveSetting<T>(setting: Setting<T>, option: unknown, env: Env, warnings: Warnings): T {
  if (option !== undefined) {
    const value = setting.parser.check(option);
    if (value !== undefined) return value;
    const fallback = fromEnv(setting, env, warnings) ?? setting.default;
    warnings.add(
      `${setting.option}=${describe(option)} is not ${setting.parser.expected}; ${instead(fallback)}`,
    );
    return fallback;
  }
  return fromEnv(setting, env, warnings) ?? setting.default;
}

/** The setting's variable, parsed; `undefined` when unset, empty or invalid (an invalid one adds a warning). */
export function fromEnv<T>(setting: Setting<T>, env: Env, warnings: Warnings): T | undefined {
  const raw = env[setting.env]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = setting.parser.parse(raw, (item, expected) =>
    warnings.add(`${setting.env}: "${item}" is not ${expected}; skipping it.`),
  );
  if (value === undefined) {
    const hint = setting.parser.hint?.(raw);
    warnings.add(
      `${setting.env}="${raw}" is not ${setting.parser.expected}; ${instead(setting.default)}${hint ? ` ${hint}` : ''}`,
    );
  }
  return value;
}

function instead(value: unknown): string {
  if (value === undefined) return 'ignoring it.';
  return `using ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}.`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value) ?? 'an array';
  return String(value);
}

/** `true` or `false`, any case. */
export const booleanSetting: SettingParser<boolean> = {
  expected: 'true or false',
  parse: (raw) => {
    const lower = raw.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : undefined;
  },
  check: (value) => (typeof value === 'boolean' ? value : undefined),
};

/** A whole number above zero (counts, sizes, milliseconds). */
export const positiveIntegerSetting: SettingParser<number> = {
  expected: 'a positive whole number',
  parse: (raw) => positiveInteger(Number(raw)),
  check: (value) => (typeof value === 'number' ? positiveInteger(value) : undefined),
};

function positiveInteger(value: number): number | undefined {
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Any non-empty text, trimmed. */
export const textSetting: SettingParser<string> = {
  expected: 'a non-empty string',
  parse: (raw) => raw,
  check: (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined),
};

/** One of a few words, any case; the value is the word as listed. */
export function oneOfSetting<T extends string>(allowed: readonly T[]): SettingParser<T> {
  const find = (value: string): T | undefined => allowed.find((word) => word === value.toLowerCase());
  return {
    expected: `one of ${allowed.join(', ')}`,
    parse: find,
    check: (value) => (typeof value === 'string' ? find(value) : undefined),
  };
}

/**
 * A comma-separated list of names (`app.feature,app.tenant`), each checked against `name`; an item that is not a
 * name (`app.feature; app.tenant`, a wrong separator) is left out with its own warning.
 */
export function nameListSetting(
  name: RegExp,
  what: { readonly one: string; readonly many: string },
): SettingParser<readonly string[]> {
  const itemExpected = `${what.one} (separate them with commas)`;
  return {
    expected: `a comma-separated list of ${what.many}`,
    parse: (raw, skip) => {
      const names: string[] = [];
      for (const item of raw.split(',')) {
        const trimmed = item.trim();
        if (trimmed === '') continue;
        if (name.test(trimmed)) names.push(trimmed);
        else skip(trimmed, itemExpected);
      }
      return names;
    },
    check: (value) => {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
      const names = (value as readonly string[]).map((item) => item.trim()).filter((item) => item !== '');
      return names.every((item) => name.test(item)) ? names : undefined;
    },
  };
}
