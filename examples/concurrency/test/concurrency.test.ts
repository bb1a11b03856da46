import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertPackagesBuilt,
  lastOwnLine,
  type OtlpReceiver,
  runStart,
  startOtlpReceiver,
  telemetryHint,
} from '../../test-support/run-example.js';

describe('examples/concurrency', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    assertPackagesBuilt();
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it('answers all 50 tasks with never more than 5 requests in flight at the server', async () => {
    const run = await runStart(
      'concurrency',
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      30_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(lastOwnLine(run.stdout)).toBe(telemetryHint('concurrency'));
    expect(run.stdout).toMatch(/^50 tasks answered in \d+\.\d+ s$/m);
    expect(run.stdout).toMatch(/^most requests in flight at once, as the server saw them: 5$/m);
    expect(receiver.genAiSpans()).toHaveLength(50);
  });
});
