import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const E2E_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `script` (a path) under the preload, `node --import @aiotel/node/register`, from the suite's folder with `env`
 * over the suite's environment. Resolves with its last line on stdout parsed as JSON; rejects with the end of its
 * stderr if it exits otherwise than with 0.
 */
export async function runPreloaded<T>(script: string, env: NodeJS.ProcessEnv): Promise<T> {
  const child = spawn(process.execPath, ['--import', '@aiotel/node/register', script], {
    cwd: E2E_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}:\n${stderr.slice(-3000)}`);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}
