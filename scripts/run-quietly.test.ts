// The quiet build of `pnpm demo` and `pnpm pack:all`: one line when the command works, all of its output when not.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./run-quietly.ts', import.meta.url));

/** Runs `node scripts/run-quietly.ts build node -e <code>` the way the package scripts do. */
function runQuietly(code: string) {
  const run = spawnSync(process.execPath, [SCRIPT, 'build', process.execPath, '-e', code], {
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('run-quietly', () => {
  it('prints one line instead of the output of a command that succeeds', () => {
    const run = runQuietly(
      'for (let i = 0; i < 150; i++) console.log("ℹ [ESM] dist/file-" + i + ".mjs 1 kB");',
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^build: done in \d+\.\d s\n$/);
  });

  it('prints all the output of a command that fails, stdout and stderr, then its exit code', () => {
    const run = runQuietly(
      'console.log("ℹ Build start"); console.error("[UNRESOLVED_IMPORT] Could not resolve ./missing.js"); process.exit(3);',
    );
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('ℹ Build start\n');
    expect(run.stderr).toContain('[UNRESOLVED_IMPORT] Could not resolve ./missing.js\n');
    expect(run.stderr).toMatch(/build: failed \(exit code 3\); its output is above\n$/);
  });

  it('says so when the command cannot be started', () => {
    const run = spawnSync(process.execPath, [SCRIPT, 'build', 'aiotel-no-such-command'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(127);
    expect(run.stderr).toContain(
      'build: could not run aiotel-no-such-command: spawn aiotel-no-such-command ENOENT',
    );
  });
});
