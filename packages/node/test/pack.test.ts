import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicUsage, expectTokensAndCost } from './harness/anthropic-spans.js';
import { PACKAGE_DIR, runApp } from './harness/app.js';
import { ensureBuilt, pnpmCommand } from './harness/build.js';
import { type OtlpReceiver, startOtlpReceiver } from './harness/otlp-receiver.js';

/** The packages a user installs for the preload and the policies: ours, packed the way `pnpm publish` would. */
const PACKED = ['node', 'instrumentation-openai', 'instrumentation-anthropic', 'cost', 'resilience'];

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
let fake: FakeLlm;
let otlp: OtlpReceiver;

beforeAll(async () => {
  ensureBuilt();
  // Outside the workspace, so nothing resolves from the workspace's node_modules.
  dir = mkdtempSync(join(tmpdir(), 'aiotel-packed-app-'));
  for (const name of PACKED) {
    const [pnpm, pnpmArgs] = pnpmCommand();
    execFileSync(pnpm, [...pnpmArgs, 'pack', '--pack-destination', dir], {
      cwd: join(PACKAGE_DIR, '..', name),
      stdio: 'pipe',
    });
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'packed-app', version: '1.0.0', private: true }),
  );
  writeFileSync(join(dir, 'app.mjs'), APP_MJS);
  writeFileSync(join(dir, 'app.cjs'), APP_CJS);
  writeFileSync(join(dir, 'resilient.cjs'), RESILIENT_CJS);
  writeFileSync(join(dir, 'anthropic.mjs'), ANTHROPIC_MJS);
  const tarballs = readdirSync(dir).filter((file) => file.endsWith('.tgz'));
  // One install for all tarballs: the packed @aiotel/* dependencies (0.1.0, not on the registry) resolve to them.
  execFileSync(
    'npm',
    [
      'install',
      // Cached metadata is good enough for pinned versions; only a cold cache goes to the registry.
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs.map((t) => `./${t}`),
      'openai@7.57.0',
      '@anthropic-ai/sdk@1.16.0',
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

describe('the packed tarballs installed with npm in a fresh app', () => {
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
