import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
// What `aiotel-fake-llm` runs once installed: the committed shim that loads the built CLI.
const bin = fileURLToPath(new URL('../bin/aiotel-fake-llm.mjs', import.meta.url));

let child: ChildProcess;
let url: string;

/** Start the built CLI and resolve with the base URL it prints. */
function startCli(args: string[]): Promise<{ process: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) resolve({ process: proc, url: match[1] });
    });
    proc.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    proc.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${output}`)));
  });
}

beforeAll(async () => {
  if (!existsSync(cli)) {
    // The CLI test runs the built file; build it once when a fresh checkout has no dist yet.
    execFileSync('pnpm', ['run', 'build'], { cwd: packageDir, stdio: 'ignore' });
  }
  if (!existsSync(cli)) throw new Error('dist/cli.mjs is missing: run `pnpm build` first');
  ({ process: child, url } = await startCli(['--port', '0', '--no-latency', '--api-key', 'sk-cli-test-key']));
}, 60_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

const auth = { authorization: 'Bearer sk-cli-test-key', 'content-type': 'application/json' };
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { ...auth, ...headers }, body: JSON.stringify(body) });

describe('the aiotel-fake-llm CLI', () => {
  it('prints its base URL ending in /v1', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('serves chat completions as JSON', async () => {
    const response = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; model: string };
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('serves chat completions as a stream', async () => {
    const response = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = await response.text();
    expect(text.startsWith('data: {"id":"chatcmpl-')).toBe(true);
    expect(text).toContain('"usage":{"prompt_tokens"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('serves responses, embeddings and models', async () => {
    const response = await post('/responses', { model: 'gpt-4o-mini', input: 'hi' });
    expect(((await response.json()) as { object: string }).object).toBe('response');
    const embedding = await post('/embeddings', { model: 'text-embedding-3-small', input: 'hi' });
    expect(((await embedding.json()) as { data: { embedding: number[] }[] }).data[0]?.embedding).toHaveLength(
      1536,
    );
    const models = await fetch(`${url}/models`, { headers: auth });
    expect(((await models.json()) as { object: string }).object).toBe('list');
  });

  it('injects a 429 fault with retry-after', async () => {
    const response = await post(
      '/chat/completions',
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      { 'x-fake-fault': 'status=429; retry-after=2' },
    );
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
  });

  it('checks the API key given with --api-key', async () => {
    const response = await fetch(`${url}/models`, { headers: { authorization: 'Bearer wrong-key-abcdef' } });
    expect(response.status).toBe(401);
  });

  it('injects server-wide faults from --fault-rate-* flags', async () => {
    const flaky = await startCli([
      '--port',
      '0',
      '--no-latency',
      '--fault-rate-429',
      '1',
      '--retry-after',
      '3',
    ]);
    try {
      const response = await fetch(`${flaky.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
    } finally {
      flaky.process.kill('SIGTERM');
    }
  });

  it('speaks the dialect given with --dialect', async () => {
    const relay = await startCli(['--port', '0', '--no-latency', '--dialect', 'relay-usage-on-finish']);
    try {
      const response = await fetch(`${relay.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(((await response.json()) as { model: string }).model).toBe('openai/gpt-4o-mini');
      expect(response.headers.get('x-litellm-response-cost')).toMatch(/^\d/);
    } finally {
      relay.process.kill('SIGTERM');
    }
  });

  it('prints help and rejects bad flags', () => {
    expect(execFileSync(process.execPath, [cli, '--help']).toString()).toContain('--fault-rate-429');
    // pnpm passes `--` through (`pnpm start -- --help`).
    expect(execFileSync(process.execPath, [cli, '--', '--help']).toString()).toContain('--fault-rate-429');
    expect(() => execFileSync(process.execPath, [cli, '--port', 'abc'], { stdio: 'pipe' })).toThrow(/--port/);
    expect(() => execFileSync(process.execPath, [cli, '--bogus'], { stdio: 'pipe' })).toThrow(/bogus/);
    expect(() => execFileSync(process.execPath, [cli, '--dialect', 'nope'], { stdio: 'pipe' })).toThrow(
      /--dialect must be one of openai, relay-empty-delta/,
    );
  });
});
