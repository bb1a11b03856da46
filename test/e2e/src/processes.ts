import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** A process the suite started, with its output going to a log file. */
export interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Resolves when everything the process wrote is in its log file (its output closed, the file written). */
  logged: Promise<void>;
}

/**
 * Starts and stops the stack's processes. Every process started through one instance is stopped by
 * `stopAll()`, which the suite calls in `afterAll`, so nothing is left running when a test fails.
 */
export class ProcessGroup {
  readonly #started: Started[] = [];

  constructor() {
    // Last resort when the test runner exits without afterAll (killed, crashed): no stray servers.
    process.once('exit', () => {
      for (const p of this.#started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    });
  }

  /** Spawns `command args` with its stdout and stderr appended to `logFile`. */
  start(
    name: string,
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string },
  ): Started {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Two sources into one file: neither may end it (the other's last lines would be written after its end); the
    // child's `close` (both outputs drained) does.
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const logged = new Promise<void>((resolve) => {
      log.once('close', resolve);
      log.once('error', () => resolve());
    });
    child.once('close', () => log.end());
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
      child.once('error', (error) => {
        log.end(`\n[e2e] failed to start ${command}: ${error.message}\n`);
        resolve('spawn-error');
      });
    });
    const started = { name, child, logFile: options.logFile, exited, logged };
    this.#started.push(started);
    return started;
  }

  /** Waits until every process's log file holds all it wrote, at most `timeoutMs` (a log is read after a failure). */
  async logsWritten(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(this.#started.map((p) => p.logged)), timeout]);
    clearTimeout(timer);
  }

  /** SIGTERM to every process still running, then SIGKILL to those that have not exited after `graceMs`. */
  async stopAll(graceMs = 5_000): Promise<void> {
    const running = this.#started.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of running) p.child.kill('SIGTERM');
    await Promise.all(
      running.map(async (p) => {
        let timer: NodeJS.Timeout | undefined;
        const killed = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            p.child.kill('SIGKILL');
            resolve();
          }, graceMs);
        });
        await Promise.race([p.exited, killed]);
        clearTimeout(timer);
        await p.exited;
      }),
    );
  }
}
