// The package as users get it: packed the way `pnpm publish` would, installed with npm into a project
// outside the workspace (nothing resolves from the workspace's node_modules), then used through its
// bin, ESM import and CJS require. It has no dependencies, so the install needs no registry.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let dir: string;

beforeAll(() => {
  if (!existsSync(join(packageDir, 'dist', 'index.cjs'))) {
    execFileSync('pnpm', ['run', 'build'], { cwd: packageDir, stdio: 'ignore' });
  }
  dir = mkdtempSync(join(tmpdir(), 'aiotel-fake-llm-packed-'));
  execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: packageDir, stdio: 'pipe' });
  const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('pnpm pack made no tarball');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'packed', version: '1.0.0', private: true }),
  );
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--offline', '--loglevel=error', `./${tarball}`],
    {
      cwd: dir,
      stdio: 'pipe',
      timeout: 60_000,
    },
  );
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Starts a server, asks for a chat completion, prints its total tokens, closes.
const use = (load: string) => `
const fake = await startFakeLlm({ latency: false });
const response = await fetch(fake.url + '/chat/completions', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
});
console.log(${JSON.stringify(load)}, response.status, (await response.json()).usage.total_tokens > 0);
await fake.close();`;

describe('the packed package', () => {
  it('links the aiotel-fake-llm bin, which prints its help', () => {
    const help = execFileSync(join(dir, 'node_modules', '.bin', 'aiotel-fake-llm'), ['--help']).toString();
    expect(help).toContain('--fault-rate-429');
  });

  it('serves through an ESM import', () => {
    writeFileSync(join(dir, 'app.mjs'), `import { startFakeLlm } from '@aiotel/fake-llm';\n${use('esm')}`);
    expect(execFileSync(process.execPath, ['app.mjs'], { cwd: dir }).toString().trim()).toBe('esm 200 true');
  });

  it('serves through a CJS require', () => {
    writeFileSync(
      join(dir, 'app.cjs'),
      `const { startFakeLlm } = require('@aiotel/fake-llm');\n(async () => {${use('cjs')}\n})();`,
    );
    expect(execFileSync(process.execPath, ['app.cjs'], { cwd: dir }).toString().trim()).toBe('cjs 200 true');
  });

  it('ships types for both entry points', () => {
    const installed = join(dir, 'node_modules', '@aiotel', 'fake-llm', 'dist');
    expect(existsSync(join(installed, 'index.d.mts'))).toBe(true);
    expect(existsSync(join(installed, 'index.d.cts'))).toBe(true);
  });
});
