// Apps using @anthropic-ai/sdk under the preload, as spawned processes on the built packages: ESM (1.x, the key as a
// bearer token) and CJS (0.x, the key as x-api-key). One GenAI span per call (the SDK's own span is switched off),
// tokens with cache writes and reads, the cost @pydantic/genai-prices gives, and the key nowhere in the export.

import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicUsage, expectTokensAndCost } from './harness/anthropic-spans.js';
import { type AppRun, aiotelLines, runApp } from './harness/app.js';
import { ensureBuilt } from './harness/build.js';
import { type OtlpReceiver, startOtlpReceiver } from './harness/otlp-receiver.js';

// Not a *_KEY variable: the redactor can only learn it from the header the SDK sends (x-api-key or Authorization).
const API_KEY = 'fixture-anthropic-credential-5c8e1a7f3b9d';

let fake: FakeLlm;
const receivers: OtlpReceiver[] = [];

beforeAll(async () => {
  ensureBuilt();
  fake = await startFakeLlm({ latency: false, apiKey: API_KEY });
}, 200_000);

afterAll(async () => {
  await fake?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function run(
  file: string,
  nodeArgs: string[],
  extra: Record<string, string>,
): Promise<{ run: AppRun; otlp: OtlpReceiver }> {
  const otlp = await startOtlpReceiver();
  receivers.push(otlp);
  const result = await runApp({
    file,
    nodeArgs,
    env: {
      FAKE_LLM_ORIGIN: fake.anthropicUrl,
      FIXTURE_CREDENTIAL: API_KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      ...extra,
    },
  });
  expect(result.killedByWatchdog, result.stderr).toBe(false);
  expect(result.code, result.stderr).toBe(0);
  return { run: result, otlp };
}

type Usage = AnthropicUsage;

/** The usage objects the app printed, one per call. */
function appUsages(stdout: string): Usage[] {
  const line = stdout.split('\n').find((l) => l.startsWith('{"done"'));
  if (line === undefined) throw new Error(`the app printed no result: ${stdout}`);
  return (JSON.parse(line) as { usages: Usage[] }).usages;
}

const anthropicSpans = (otlp: OtlpReceiver) =>
  otlp.spans().filter((span) => span.scope === '@aiotel/instrumentation-anthropic');

describe('@anthropic-ai/sdk under the preload', () => {
  it('ESM (--import, SDK 1.x): one span per call, cache tokens and cost, streamed too; the key never exported', async () => {
    fake.reset();
    const { run: app, otlp } = await run('anthropic.mjs', ['--import', '@aiotel/node/register'], {
      STREAM: '1',
      FEATURE: 'search',
      LEAK: '1',
    });
    const usages = appUsages(app.stdout);
    expect(usages[0]?.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(usages[1]?.cache_read_input_tokens).toBe(usages[0]?.cache_creation_input_tokens);
    const spans = anthropicSpans(otlp);
    expectTokensAndCost(spans, 'claude-sonnet-4-5', usages);
    expect(spans[0]?.attributes['app.feature']).toBe('search');
    expect(spans.slice(1).map((span) => span.attributes['gen_ai.request.stream'])).toEqual([true, true]);
    // The SDK's own span (anthropic.messages.create) would be a second GenAI span per call.
    expect(otlp.spans().filter((span) => span.name.startsWith('anthropic.'))).toEqual([]);
    const undici = otlp.spans().filter((span) => span.scope === '@aiotel/node');
    for (const span of spans)
      expect(undici.filter((http) => http.parentSpanId === span.spanId)).toHaveLength(1);
    expect(otlp.metrics().map((metric) => metric.name)).toEqual(
      expect.arrayContaining(['gen_ai.client.operation.time_to_first_chunk', 'aiotel.gen_ai.client.cost']),
    );
    expect(otlp.allBytes().toString()).not.toContain(API_KEY);
    expect(aiotelLines(app.stderr)).toEqual([]);
  });

  it('CJS (--require, SDK 0.x with x-api-key): JSON and streamed calls traced, the key never exported', async () => {
    const { run: app, otlp } = await run('anthropic.cjs', ['--require', '@aiotel/node/register'], {
      ANTHROPIC_SDK: 'anthropic0',
      LEAK: '1',
    });
    const usages = appUsages(app.stdout);
    expectTokensAndCost(anthropicSpans(otlp), 'claude-haiku-4-5', usages);
    expect(otlp.allBytes().toString()).not.toContain(API_KEY);
    expect(otlp.allBytes().toString()).toContain('upstream refused credential');
  });

  it('ANTHROPIC_OPEN_TELEMETRY=true keeps the SDK its own span, under ours', async () => {
    const { otlp } = await run('anthropic.mjs', ['--import', '@aiotel/node/register'], {
      ANTHROPIC_OPEN_TELEMETRY: 'true',
    });
    const [ours] = anthropicSpans(otlp);
    const sdk = otlp.spans().filter((span) => span.name === 'anthropic.messages.create');
    expect(sdk).toHaveLength(1);
    expect(sdk[0]?.parentSpanId).toBe(ours?.spanId);
  });
});
