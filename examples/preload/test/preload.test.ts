import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricPointsOf } from '../../demo/src/otlp-json.mjs';
import {
  assertPackagesBuilt,
  type OtlpReceiver,
  ROOT,
  runStart,
  startOtlpReceiver,
} from '../../test-support/run-example.js';

describe('examples/preload', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    assertPackagesBuilt();
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it('has no telemetry code: the app imports neither aiotel nor OpenTelemetry, only the start command adds the preload', () => {
    const app = readFileSync(`${ROOT}examples/preload/src/app.mjs`, 'utf8');
    expect(app).not.toMatch(
      /^import .*['"](@aiotel\/(node|instrumentation-openai|resilience)|@opentelemetry\/)/m,
    );
    expect(app).toMatch(/^import OpenAI from 'openai';$/m);
    const manifest = JSON.parse(readFileSync(`${ROOT}examples/preload/package.json`, 'utf8'));
    expect(manifest.scripts.start).toBe('node --import @aiotel/node/register src/app.mjs');
  });

  it('exports a GenAI span and metrics for the unchanged app', async () => {
    const run = await runStart(
      'preload',
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      30_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const tokens = run.stdout.match(/^tokens: (\d+) in, (\d+) out$/m);
    expect(tokens).not.toBeNull();

    const spans = receiver.genAiSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.name).toBe('chat gpt-4o-mini');
    expect(spans[0]?.attributes['gen_ai.usage.input_tokens']).toBe(Number(tokens?.[1]));
    expect(spans[0]?.attributes['gen_ai.usage.output_tokens']).toBe(Number(tokens?.[2]));
    const metricNames = new Set(
      receiver.metricExports.flatMap((payload) => metricPointsOf(payload)).map((p) => p.name),
    );
    expect(metricNames).toContain('gen_ai.client.operation.duration');
    expect(metricNames).toContain('gen_ai.client.token.usage');
  });
});
