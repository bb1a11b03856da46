// issue 17: an ESM app under `--require`, or calling startTelemetry() without the loader hook, exported only HTTP
// spans and said nothing. Now it gets one warning naming the flag to use; a correct setup gets none.
import { join } from 'node:path';
import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiotelLines, PACKAGE_DIR, runApp } from './harness/app.js';
import { ensureBuilt } from './harness/build.js';
import { type OtlpReceiver, startOtlpReceiver } from './harness/otlp-receiver.js';

const UNPATCHED =
  /^\[aiotel\] warn: openai \d+\.\d+\.\d+ is sending requests but was not instrumented, .*`node --import @aiotel\/node\/register app\.js` \(not --require/;

let fake: FakeLlm;
let otlp: OtlpReceiver;

beforeAll(async () => {
  ensureBuilt();
  fake = await startFakeLlm({ latency: false });
  otlp = await startOtlpReceiver();
}, 200_000);

afterAll(async () => {
  await fake?.close();
  await otlp?.close();
});

async function run(file: string, nodeArgs: string[], extra: Record<string, string> = {}) {
  const before = otlp.spans().length;
  const result = await runApp({
    file,
    nodeArgs,
    env: {
      FAKE_LLM_URL: fake.url,
      FIXTURE_CREDENTIAL: 'fixture-credential-7f3a9c2e5b1d4680',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      AIOTEL_NODE_ENTRY: join(PACKAGE_DIR, 'dist', 'index.mjs'),
      CALLS: '2',
      ...extra,
    },
  });
  expect(result.killedByWatchdog, result.stderr).toBe(false);
  expect(result.code, result.stderr).toBe(0);
  const spans = otlp.spans().slice(before);
  return {
    lines: aiotelLines(result.stderr),
    genAi: spans.filter((span) => span.scope === '@aiotel/instrumentation-openai'),
    http: spans.filter((span) => span.scope === '@opentelemetry/instrumentation-undici'),
  };
}

describe('an openai SDK that sends requests but was not patched', () => {
  it('is reported once for an ESM app started with --require, naming --import', async () => {
    const { lines, genAi, http } = await run('chat.mjs', ['--require', '@aiotel/node/register']);
    expect(genAi).toHaveLength(0);
    expect(http.length).toBeGreaterThanOrEqual(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(UNPATCHED);
  });

  it('is reported once for an ESM app that calls startTelemetry() without the loader hook', async () => {
    const { lines, genAi } = await run('start-in-code.mjs', []);
    expect(genAi).toHaveLength(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(UNPATCHED);
  });

  it('is reported with HTTP spans off too (the credential listener sees the request)', async () => {
    const { lines } = await run('chat.mjs', ['--require', '@aiotel/node/register'], {
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici',
    });
    expect(lines).toEqual([expect.stringMatching(UNPATCHED)]);
  });

  it.each([
    ['an ESM app started with --import', 'chat.mjs', ['--import', '@aiotel/node/register']],
    ['a CJS app started with --require', 'chat.cjs', ['--require', '@aiotel/node/register']],
  ])(
    'is not reported for %s, where every call is traced (even at OTEL_LOG_LEVEL=debug)',
    async (_label, file, args) => {
      const { lines, genAi } = await run(file, args, { OTEL_LOG_LEVEL: 'debug' });
      expect(genAi).toHaveLength(2);
      expect(lines.filter((line) => line.includes('not instrumented'))).toEqual([]);
    },
  );
});
