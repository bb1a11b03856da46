import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECT_NAMES, type DialectName, type FakeLlm, fakeCost, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicUsage, expectTokensAndCost } from './harness/anthropic-spans.js';
import { PACKAGE_DIR, runApp } from './harness/app.js';
import { ensureBuilt, pnpmCommand } from './harness/build.js';
import { type OtlpReceiver, startOtlpReceiver } from './harness/otlp-receiver.js';

const REPO_DIR = join(PACKAGE_DIR, '..', '..');

/** The tarball names `pnpm pack` gives every package under packages/ that is not private. */
function publishedTarballs(): string[] {
  return readdirSync(join(REPO_DIR, 'packages'))
    .map((name) => join(REPO_DIR, 'packages', name, 'package.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')))
    .filter((manifest) => manifest.private !== true)
    .map((manifest) => `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`)
    .sort();
}

const APP_MJS = `import OpenAI from 'openai';
const client = new OpenAI({ baseURL: process.env.FAKE_LLM_URL, apiKey: 'packed-app-key-123456' });
const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
console.log(completion.choices[0].message.content ? 'answered' : 'empty');
`;
const APP_CJS = `const OpenAI = require('openai');
const client = new OpenAI({ baseURL: process.env.FAKE_LLM_URL, apiKey: 'packed-app-key-123456' });
client.chat.completions
  .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
  .then((completion) => console.log(completion.choices[0].message.content ? 'answered' : 'empty'));
`;

// CommonJS on purpose: @aiotel/resilience's CJS build requires cockatiel, which ships ESM only.
const RESILIENT_CJS = `const OpenAI = require('openai');
const { resilient } = require('@aiotel/resilience');
const client = resilient(new OpenAI({ baseURL: process.env.FAKE_LLM_URL, apiKey: 'packed-app-key-123456' }), {
  retry: { initialDelayMs: 1, maxDelayMs: 2 },
});
client.chat.completions
  .create(
    { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
    { headers: { 'x-fake-fault': 'status=500', 'x-fake-scenario': 'packed-resilient', 'x-fake-fault-times': '1' } },
  )
  .then((completion) => console.log(completion.choices[0].message.content ? 'answered' : 'empty'));
`;

// The same caller code with and without the kit (the preload, and resilient() when WITH_KIT is set): prints the
// chunks its loop saw, without the per-request id and timestamp.
const STREAM_CJS = `const OpenAI = require('openai');
let client = new OpenAI({ baseURL: process.env.FAKE_LLM_URL, apiKey: 'packed-app-key-123456', maxRetries: 0 });
if (process.env.WITH_KIT) client = require('@aiotel/resilience').resilient(client);
(async () => {
  const stream = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Stream me a short answer' }], stream: true },
    { headers: { 'x-fake-tokens': '6' } },
  );
  const seen = [];
  for await (const { id, created, ...chunk } of stream) seen.push(chunk);
  console.log(JSON.stringify(seen));
})();
`;

// The Anthropic SDK under the preload and through resilient(): a JSON call whose first attempt gets a 529 (retried),
// then a streamed one (messages.stream()); the system prompt is cache-marked, so the first writes the cache and the
// second reads it.
const ANTHROPIC_MJS = `import Anthropic from '@anthropic-ai/sdk';
import { resilient } from '@aiotel/resilience';
const client = resilient(new Anthropic({ baseURL: process.env.FAKE_LLM_ORIGIN, apiKey: 'packed-app-key-123456' }), {
  retry: { initialDelayMs: 1, maxDelayMs: 2 },
});
const system = [{ type: 'text', text: 'You know the sea. '.repeat(30), cache_control: { type: 'ephemeral' } }];
const ask = { model: 'claude-sonnet-4-5', max_tokens: 64, system, messages: [{ role: 'user', content: 'Hi' }] };
const retried = { 'x-fake-fault': '529', 'x-fake-scenario': 'packed-anthropic', 'x-fake-fault-times': '1' };
const usages = [(await client.messages.create(ask, { headers: retried })).usage];
usages.push((await client.messages.stream(ask).finalMessage()).usage);
console.log(JSON.stringify({ usages }));
`;

let dir: string;
let tarballDir: string;
let tarballs: string[];
let installLine: string;
let fake: FakeLlm;
let otlp: OtlpReceiver;

beforeAll(async () => {
  ensureBuilt();
  // Outside the workspace, so nothing resolves from the workspace's node_modules.
  dir = mkdtempSync(join(tmpdir(), 'aiotel-packed-app-'));
  tarballDir = join(dir, 'tarballs');
  // The README's install path: `pnpm pack:all` (without its build, which would rewrite dist/ under the other test
  // files), then the npm install line it prints.
  const [pnpm, pnpmArgs] = pnpmCommand();
  const printed = execFileSync(
    pnpm,
    [...pnpmArgs, '--silent', 'pack:all', '--no-build', '--out', tarballDir],
    {
      cwd: REPO_DIR,
      stdio: 'pipe',
      timeout: 120_000,
    },
  ).toString();
  installLine = printed.split('\n').find((line) => line.trim().startsWith('npm install')) ?? printed;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'packed-app', version: '1.0.0', private: true }),
  );
  writeFileSync(join(dir, 'app.mjs'), APP_MJS);
  writeFileSync(join(dir, 'app.cjs'), APP_CJS);
  writeFileSync(join(dir, 'resilient.cjs'), RESILIENT_CJS);
  writeFileSync(join(dir, 'anthropic.mjs'), ANTHROPIC_MJS);
  writeFileSync(join(dir, 'stream.cjs'), STREAM_CJS);
  tarballs = readdirSync(tarballDir).filter((file) => file.endsWith('.tgz'));
  // One install for all tarballs, as the printed line says: the packed @aiotel/* dependencies (0.1.0, not on the
  // registry) resolve to them. openai pinned, so a warm npm cache is enough.
  execFileSync(
    'npm',
    [
      'install',
      // Cached metadata is good enough for pinned versions; only a cold cache goes to the registry.
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs.map((t) => join(tarballDir, t)),
      'openai@7.60.0',
      '@anthropic-ai/sdk@1.17.0',
    ],
    {
      cwd: dir,
      stdio: 'pipe',
      timeout: 170_000,
    },
  );
  fake = await startFakeLlm({ latency: false });
  otlp = await startOtlpReceiver();
}, 240_000);

afterAll(async () => {
  await fake?.close();
  await otlp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the tarballs of pnpm pack:all installed with npm in a fresh app', () => {
  it('are one per published package, installed by the npm install line pack:all prints', () => {
    expect(tarballs.sort()).toEqual(publishedTarballs());
    expect(installLine.trim()).toBe(`npm install ${tarballDir}/*.tgz openai`);
  });

  it('each carry the Apache-2.0 LICENSE of the repository, which package.json names', () => {
    const license = readFileSync(join(REPO_DIR, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    for (const tarball of tarballs) {
      const packed = execFileSync('tar', ['-xzOf', join(tarballDir, tarball), 'package/LICENSE']).toString();
      expect(packed, tarball).toBe(license);
      const manifest = JSON.parse(
        execFileSync('tar', ['-xzOf', join(tarballDir, tarball), 'package/package.json']).toString(),
      );
      expect(manifest.license, tarball).toBe('Apache-2.0');
    }
  });

  it('publish exports without the workspace source condition, and pull in no gRPC', () => {
    const manifest = JSON.parse(
      readFileSync(join(dir, 'node_modules', '@aiotel', 'node', 'package.json'), 'utf8'),
    );
    expect(JSON.stringify(manifest.exports)).not.toContain('@aiotel/source');
    expect(manifest.exports['./register'].import.default).toBe('./dist/register.mjs');
    expect(manifest.exports['./register'].require.default).toBe('./dist/register.cjs');
    expect(JSON.stringify(manifest.dependencies)).not.toContain('workspace:');
    expect(existsSync(join(dir, 'node_modules', '@grpc'))).toBe(false);
  });

  it.each([
    ['ESM app with --import', 'app.mjs', '--import'],
    ['CJS app with --require', 'app.cjs', '--require'],
  ])('trace the %s', async (_label, file, flag) => {
    const before = otlp.spans().length;
    const run = await runApp({
      file: join(dir, file),
      cwd: dir,
      nodeArgs: [flag, '@aiotel/node/register'],
      env: {
        FAKE_LLM_URL: fake.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('answered');
    const spans = otlp.spans().slice(before);
    const genAi = spans.find((span) => span.name === 'chat gpt-4o');
    expect(genAi?.resource['service.name']).toBe('packed-app');
    expect(spans.some((span) => span.parentSpanId === genAi?.spanId && span.name === 'POST')).toBe(true);
  });

  it('run a resilient() client from the packed @aiotel/resilience, its retry traced on the GenAI span', async () => {
    const before = otlp.spans().length;
    const run = await runApp({
      file: join(dir, 'resilient.cjs'),
      cwd: dir,
      nodeArgs: ['--require', '@aiotel/node/register'],
      env: {
        FAKE_LLM_URL: fake.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('answered');
    const spans = otlp.spans().slice(before);
    const genAi = spans.find((span) => span.name === 'chat gpt-4o');
    expect(genAi?.events.map((event) => event.name)).toContain('aiotel.retry');
    const attempts = spans.filter((span) => span.parentSpanId === genAi?.spanId && span.name === 'POST');
    expect(attempts).toHaveLength(2);
  });

  it('run the Anthropic SDK under the preload and through resilient(): tokens with cache, cost as the price table gives it', async () => {
    const before = otlp.spans().length;
    const run = await runApp({
      file: join(dir, 'anthropic.mjs'),
      cwd: dir,
      nodeArgs: ['--import', '@aiotel/node/register'],
      env: {
        FAKE_LLM_ORIGIN: fake.anthropicUrl,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const { usages } = JSON.parse(run.stdout.trim()) as { usages: AnthropicUsage[] };
    expect(usages[0]?.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(usages[1]?.cache_read_input_tokens).toBe(usages[0]?.cache_creation_input_tokens);
    const spans = otlp
      .spans()
      .slice(before)
      .filter((span) => span.scope === '@aiotel/instrumentation-anthropic');
    expect(spans.map((span) => span.attributes['gen_ai.request.stream'] ?? false)).toEqual([false, true]);
    expect(spans[0]?.events.map((event) => event.name)).toContain('aiotel.retry');
    expectTokensAndCost(spans, 'claude-sonnet-4-5', usages);
  });
});

describe('the packed kit in front of each fake-llm dialect', () => {
  const relays = new Map<DialectName, FakeLlm>();
  beforeAll(async () => {
    for (const dialect of DIALECT_NAMES) relays.set(dialect, await startFakeLlm({ latency: false, dialect }));
  });
  afterAll(async () => {
    for (const relay of relays.values()) await relay.close();
  });

  /** The chunks the app's loop saw, and the GenAI span of its call when the kit ran. */
  async function run(dialect: DialectName, withKit: boolean) {
    const before = otlp.spans().length;
    const relay = relays.get(dialect) as FakeLlm;
    const result = await runApp({
      file: join(dir, 'stream.cjs'),
      cwd: dir,
      nodeArgs: withKit ? ['--require', '@aiotel/node/register'] : [],
      env: {
        FAKE_LLM_URL: relay.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        ...(withKit ? { WITH_KIT: '1' } : {}),
      },
    });
    expect(result.code, result.stderr).toBe(0);
    const span = otlp
      .spans()
      .slice(before)
      .find((s) => s.name === 'chat gpt-4o-mini');
    const promptTokens = relay.stats().requests.at(-1)?.promptTokens ?? -1;
    return { chunks: result.stdout.trim(), span, promptTokens };
  }

  it.each(DIALECT_NAMES)('%s: the caller sees the same chunks with and without the kit', async (dialect) => {
    const plain = await run(dialect, false);
    const kit = await run(dialect, true);
    expect(JSON.parse(plain.chunks)).toHaveLength(8);
    expect(kit.chunks).toBe(plain.chunks);
    expect(kit.span, 'the GenAI span').toBeDefined();
    const attributes = kit.span?.attributes ?? {};
    if (dialect === 'relay-no-usage') {
      expect(attributes['aiotel.gen_ai.usage.unknown']).toBe(true);
      expect(attributes['gen_ai.usage.input_tokens']).toBeUndefined();
      expect(attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    } else {
      expect(attributes['aiotel.gen_ai.usage.unknown']).toBeUndefined();
      expect(attributes['gen_ai.usage.input_tokens']).toBe(kit.promptTokens);
      expect(attributes['gen_ai.usage.output_tokens']).toBe(6);
      expect(attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(0);
    }
    if (dialect === 'relay-empty-delta') {
      expect(attributes['gen_ai.usage.cost.source']).toBe('provider');
      expect(attributes['gen_ai.usage.cost.amount']).toBe(fakeCost(kit.promptTokens, 6));
    }
  });

  it('counts the no-usage relay call in aiotel.gen_ai.client.usage_unknown_calls', () => {
    const counted = otlp
      .metrics()
      .filter((m) => m.name === 'aiotel.gen_ai.client.usage_unknown_calls')
      .flatMap((m) => m.points);
    expect(counted.length).toBeGreaterThan(0);
    expect(counted.every((p) => p.attributes['gen_ai.request.model'] === 'gpt-4o-mini')).toBe(true);
  });
});
