import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/node: the working directory of spawned apps, so `@aiotel/node/register` resolves to its own dist. */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = join(PACKAGE_DIR, 'test', 'fixtures');

/** How an app process ended and what it printed. */
export interface AppRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the test's watchdog had to kill the app (it did not end by itself). */
  readonly killedByWatchdog: boolean;
}

export interface RunAppOptions {
  /** A file in test/fixtures, or an absolute path. */
  readonly file: string;
  /** Node flags before the file, e.g. `['--import', '@aiotel/node/register']`. */
  readonly nodeArgs?: readonly string[];
  /** Environment of the app; nothing of the test runner's OTEL_* / AIOTEL_* / NODE_OPTIONS leaks in. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Called with the stdout seen so far, on each new output. */
  readonly onStdout?: (stdout: string, child: ChildProcess) => void;
  /** Kill the app after this long. Default 30 s. */
  readonly watchdogMs?: number;
}

/** Spawns `node [nodeArgs] file` and resolves when it ends. */
export function runApp(options: RunAppOptions): Promise<AppRun> {
  const file = options.file.startsWith('/') ? options.file : join(FIXTURES_DIR, options.file);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), file], {
    cwd: options.cwd ?? PACKAGE_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let killedByWatchdog = false;
  const watchdog = setTimeout(() => {
    killedByWatchdog = true;
    child.kill('SIGKILL');
  }, options.watchdogMs ?? 30_000);
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    options.onStdout?.(stdout, child);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stdout, stderr, killedByWatchdog });
    });
  });
}

/** The `[aiotel]` lines an app wrote to stderr. */
export function aiotelLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('[aiotel]'));
}

/** The JSON result line the fixture apps print after their calls. */
export function appResult(
  stdout: string,
): { done: boolean; results: string[]; threads?: number } | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('{"done"'));
  return line === undefined ? undefined : JSON.parse(line);
}
