import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** A process the suite started, with its output going to a log file. */
export interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
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
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
      child.once('error', (error) => {
        log.write(`\n[e2e] failed to start ${command}: ${error.message}\n`);
        resolve('spawn-error');
      });
    });
    const started = { name, child, logFile: options.logFile, exited };
    this.#started.push(started);
    return started;
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
