import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertPackagesBuilt,
  lastOwnLine,
  type OtlpReceiver,
  runStart,
  startOtlpReceiver,
  telemetryHint,
} from '../../test-support/run-example.js';

describe('examples/retries', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    assertPackagesBuilt();
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it('surfaces 400 and 401 after one request with the provider message, retries 429 and 529 until success', async () => {
    const run = await runStart(
      'retries',
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      30_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(lastOwnLine(run.stdout)).toBe(telemetryHint('retries'));
    expect(run.stdout).toMatch(
      /^400 bad request: request format error \(400, not retried\): 400 .+ \(\d+ ms, 1 request\(s\)\)$/m,
    );
    expect(run.stdout).toMatch(
      /^401 wrong key: invalid API key, check configuration \(401, not retried\): 401 Incorrect API key provided.* \(\d+ ms, 1 request\(s\)\)$/m,
    );
    expect(run.stdout).toMatch(/^429 with Retry-After: 1: ok \(\d+ ms, 2 request\(s\)\)$/m);
    expect(run.stdout).toMatch(/^529 overloaded twice: ok \(\d+ ms, 3 request\(s\)\)$/m);

    const retryReasons = receiver
      .genAiSpans()
      .flatMap((span) => span.events)
      .filter((event) => event.name === 'aiotel.retry')
      .map((event) => event.attributes['aiotel.retry.reason']);
    expect(retryReasons.sort()).toEqual(['429', '529', '529']);
  });
});
