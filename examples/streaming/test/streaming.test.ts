import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertPackagesBuilt,
  lastOwnLine,
  type OtlpReceiver,
  runStart,
  startOtlpReceiver,
  telemetryHint,
} from '../../test-support/run-example.js';

describe('examples/streaming', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    assertPackagesBuilt();
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it('prints the streamed answer, then names the error of a stream cut half-way', async () => {
    const run = await runStart(
      'streaming',
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      30_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(lastOwnLine(run.stdout)).toBe(telemetryHint('streaming'));
    const [answer, broken] = run.stdout.trimEnd().split('\n');
    expect(answer?.trim().length).toBeGreaterThan(0);
    expect(broken).toMatch(/^stream broke after \d+ characters: StreamInterruptedError$/);

    const spans = receiver.genAiSpans();
    expect(spans).toHaveLength(2);
    const [whole, cut] = spans;
    expect(whole?.attributes['gen_ai.request.stream']).toBe(true);
    expect(whole?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(whole?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(whole?.error).toBe(false);
    expect(cut?.error).toBe(true);
  });
});
