// Runs a command with its output held back: a success prints one line, a failure prints everything the command
// printed, then its exit status. `pnpm demo` and `pnpm pack:all` build this way, so the ~150 lines of a good
// build do not bury what the user asked for, and a broken build is as visible as before.
//
//   node scripts/run-quietly.ts <label> <command> [args...]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How the command ended: its exit code (1 when a signal ended it) and its output, stdout and stderr interleaved. */
export interface QuietRun {
  readonly code: number;
  readonly output: string;
}

/**
 * Runs `command args` with stdout and stderr captured, and reports on stderr: `label: done in 9.8 s` when it exits
 * 0, else its output followed by `label: failed (exit code N)`.
 */
export function runQuietly(label: string, command: string, args: readonly string[]): Promise<QuietRun> {
  const startedAt = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`${label}: could not run ${command}: ${error.message}\n`);
      resolve({ code: 127, output: '' });
    });
    child.on('close', (exitCode, signal) => {
      const output = Buffer.concat(chunks).toString();
      const code = exitCode ?? 1;
      if (code === 0) {
        const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
        process.stderr.write(`${label}: done in ${seconds} s\n`);
      } else {
        process.stderr.write(output.endsWith('\n') || output === '' ? output : `${output}\n`);
        const how = signal === null ? `exit code ${code}` : `killed by ${signal}`;
        process.stderr.write(`${label}: failed (${how}); its output is above\n`);
      }
      resolve({ code, output });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [label, command, ...args] = process.argv.slice(2);
  if (label === undefined || command === undefined) {
    process.stderr.write('usage: node scripts/run-quietly.ts <label> <command> [args...]\n');
    process.exitCode = 2;
  } else {
    process.exitCode = (await runQuietly(label, command, args)).code;
  }
}
