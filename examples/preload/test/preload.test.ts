import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricPointsOf } from '../../demo/src/otlp-json.mjs';
import {
  assertPackagesBuilt,
  lastOwnLine,
  type OtlpReceiver,
  ROOT,
  runStart,
  startOtlpReceiver,
  telemetryHint,
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
    expect(lastOwnLine(run.stdout)).toBe(telemetryHint('preload'));
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

  it('prints its telemetry with the command its last line gives (OTEL_TRACES_EXPORTER=console …)', async () => {
    const run = await runStart(
      'preload',
      { OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'console' },
      30_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(telemetryHint('preload')).toContain(
      'OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=console pnpm --filter ./examples/preload start',
    );
    expect(run.stdout).toMatch(
      /^\[aiotel\] span chat gpt-4o-mini · \d+ ms · ok · model \S+ · tokens \d+ in, \d+ out · /m,
    );
    expect(run.stdout).toMatch(/^\[aiotel\] metric gen_ai\.client\.operation\.duration \(s\) · count 1, /m);
    expect(run.stderr).not.toContain('[aiotel]');
  });
});
