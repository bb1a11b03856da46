import { describe, expect, it } from 'vitest';
import { type AppRun, aiotelLines, appResult, runApp } from './harness/app.js';
import { type OtlpReceiver, startOtlpReceiver } from './harness/otlp-receiver.js';
import { useTestBed } from './harness/test-bed.js';

// A key the redactor learns from the Authorization header only (see preload.test.ts).
const API_KEY = 'fixture-credential-7f3a9c2e5b1d4680';

const bed = useTestBed();

/** Runs the app (2 calls, one streamed call, one retried call) with the given exporters; the collector is a receiver. */
async function run(exporters: Record<string, string>): Promise<{ run: AppRun; otlp: OtlpReceiver }> {
  const otlp = bed.closeAtEnd(await startOtlpReceiver());
  const result = await runApp({
    file: 'chat.mjs',
    nodeArgs: ['--import', '@aiotel/node/register'],
    env: {
      FAKE_LLM_URL: bed.fake.url,
      FIXTURE_CREDENTIAL: API_KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      CALLS: '2',
      STREAM: '1',
      LEAK: '1',
      RETRY_ONCE: `console-${Date.now()}-${Math.random()}`,
      ...exporters,
    },
  });
  expect(result.killedByWatchdog, result.stderr).toBe(false);
  expect(result.code, result.stderr).toBe(0);
  expect(appResult(result.stdout)?.results).toHaveLength(3);
  expect(aiotelLines(result.stderr)).toEqual([]);
  return { run: result, otlp };
}

function lines(stdout: string, kind: 'span' | 'metric'): string[] {
  return stdout.split('\n').filter((line) => line.startsWith(`[aiotel] ${kind} `));
}

const GENAI_SPAN_LINE =
  /^\[aiotel\] span chat gpt-4o-mini · \d+ ms · ok · model gpt-4o-mini-2024-07-18 · tokens \d+ in, \d+ out · cost \d[\d.e-]* USD · trace [0-9a-f]{8}$/;

describe('OTEL_TRACES_EXPORTER=console and OTEL_METRICS_EXPORTER=console', () => {
  it('print one readable line per span and per metric point on stdout, scrubbed, and send nothing to a collector', async () => {
    const { run: app, otlp } = await run({
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'console',
    });
    const spans = lines(app.stdout, 'span');
    const genAi = spans.filter((line) => line.startsWith('[aiotel] span chat '));
    expect(genAi).toHaveLength(3);
    for (const line of genAi) expect(line).toMatch(GENAI_SPAN_LINE);
    // The retried call: its failed attempt and the resend, as HTTP lines of the same trace.
    expect(
      spans.some((line) =>
        /^\[aiotel\] span POST · \d+ ms · error 500 · method POST · http 500 · /.test(line),
      ),
    ).toBe(true);
    expect(spans.some((line) => / · http 200 · resend 1 · trace /.test(line))).toBe(true);
    // The app's own span, whose status message quoted the key.
    expect(spans).toContainEqual(
      expect.stringMatching(/^\[aiotel\] span app work · \d+ ms · error: refused REDACTED · trace /),
    );
    expect(app.stdout).not.toContain(API_KEY);

    const metrics = lines(app.stdout, 'metric');
    expect(metrics).toContainEqual(
      expect.stringMatching(
        /^\[aiotel\] metric gen_ai\.client\.operation\.duration \(s\) · count 3, sum [\d.e-]+, min [\d.e-]+, max [\d.e-]+ · gen_ai\.operation\.name=chat .*gen_ai\.request\.model=gpt-4o-mini/,
      ),
    );
    expect(metrics).toContainEqual(
      expect.stringMatching(/^\[aiotel\] metric aiotel\.gen_ai\.client\.cost \(USD\) · count 3, /),
    );
    expect(otlp.requests).toEqual([]);
  });

  it('otlp,console sends to the collector and prints', async () => {
    const { run: app, otlp } = await run({
      OTEL_TRACES_EXPORTER: 'otlp,console',
      OTEL_METRICS_EXPORTER: 'otlp, console',
    });
    expect(lines(app.stdout, 'span').filter((line) => GENAI_SPAN_LINE.test(line))).toHaveLength(3);
    expect(lines(app.stdout, 'metric').length).toBeGreaterThan(0);
    expect(otlp.spans().filter((span) => span.name === 'chat gpt-4o-mini')).toHaveLength(3);
    expect(otlp.metrics().map((metric) => metric.name)).toContain('gen_ai.client.operation.duration');
  });

  it('none turns a signal off: metrics printed, no span anywhere', async () => {
    const { run: app, otlp } = await run({ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'console' });
    expect(lines(app.stdout, 'span')).toEqual([]);
    expect(lines(app.stdout, 'metric').length).toBeGreaterThan(0);
    expect(otlp.requests).toEqual([]);
  });
});
