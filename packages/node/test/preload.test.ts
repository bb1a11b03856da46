import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { describe, expect, it } from 'vitest';
import { type AppRun, aiotelLines, appResult, PACKAGE_DIR, runApp } from './harness/app.js';
import { closedPort } from './harness/bad-collector.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './harness/otlp-receiver.js';
import { useTestBed } from './harness/test-bed.js';

// A key the redactor can only know from the Authorization header the SDK sends (its environment scan takes
// *_KEY, *_TOKEN, *_SECRET, *_PASSWORD values; FIXTURE_CREDENTIAL is none of them), so finding it nowhere proves
// header-learnt redaction.
const API_KEY = 'fixture-credential-7f3a9c2e5b1d4680';
const QUERY_SECRET = 'QUERYSECRET123456';
const IMPORT = ['--import', '@aiotel/node/register'];
const REQUIRE = ['--require', '@aiotel/node/register'];
const AIOTEL_NODE_ENTRY = join(PACKAGE_DIR, 'dist', 'index.cjs');

const bed = useTestBed();

async function receiver(mode?: 'answer' | 'never-answer'): Promise<OtlpReceiver> {
  return bed.closeAtEnd(await startOtlpReceiver(mode));
}

function appEnv(otlp: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    FAKE_LLM_URL: bed.fake.url,
    FIXTURE_CREDENTIAL: API_KEY,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    ...extra,
  };
}

function genAiSpans(spans: ReceivedSpan[]): ReceivedSpan[] {
  return spans.filter((span) => span.scope === '@aiotel/instrumentation-openai');
}

function httpSpans(spans: ReceivedSpan[]): ReceivedSpan[] {
  return spans.filter((span) => span.scope === '@aiotel/node');
}

/**
 * The app's `calls` calls became `calls` GenAI spans (none is not a pass), each with exactly one HTTP attempt below
 * it: same trace, parent = the GenAI span, and no attempt outside them.
 */
function expectAttemptChildren(spans: ReceivedSpan[], calls: number): void {
  const genAi = genAiSpans(spans);
  const http = httpSpans(spans);
  expect(calls).toBeGreaterThan(0);
  expect(genAi).toHaveLength(calls);
  expect(http).toHaveLength(calls);
  for (const parent of genAi) {
    const children = http.filter((span) => span.parentSpanId === parent.spanId);
    expect(children).toHaveLength(1);
    expect(children[0]?.traceId).toBe(parent.traceId);
    expect(children[0]?.name).toBe('POST');
    expect(children[0]?.attributes['http.response.status_code']).toBe(200);
  }
}

function expectCleanExit(run: AppRun): void {
  expect(run.killedByWatchdog, run.stderr).toBe(false);
  expect(run.code, run.stderr).toBe(0);
}

describe('an ESM app started with --import @aiotel/node/register', () => {
  it('exports a GenAI span per call with the HTTP attempt as its child, and the GenAI metrics', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { CALLS: '2', STREAM: '1' }),
    });
    expectCleanExit(run);
    expect(appResult(run.stdout)?.results).toHaveLength(3);

    const spans = otlp.spans();
    const genAi = genAiSpans(spans);
    expectAttemptChildren(spans, 3);
    const [first] = genAi;
    expect(first?.name).toBe('chat gpt-4o-mini');
    expect(first?.kind).toBe(3);
    expect(first?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
      'server.port': bed.fake.port,
      'gen_ai.usage.cost.currency': 'USD',
      // An array attribute, set through the preload's fast span-attribute path.
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(first?.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(first?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(genAi.filter((span) => span.attributes['gen_ai.request.stream'] === true)).toHaveLength(1);
    expect(first?.resource['service.name']).toBe('aiotel-fixture-app');
    expect(first?.resource['service.version']).toBe('0.0.7');

    const metrics = otlp.metrics();
    const names = metrics.map((metric) => metric.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'gen_ai.client.operation.duration',
        'gen_ai.client.token.usage',
        'gen_ai.client.operation.time_to_first_chunk',
        'aiotel.gen_ai.client.tokens',
        'aiotel.gen_ai.client.cost',
        'http.client.request.duration',
      ]),
    );
    const duration = metrics.find((metric) => metric.name === 'gen_ai.client.operation.duration');
    expect(duration?.unit).toBe('s');
    expect(duration?.points[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
    });
    const tokens = metrics.find((metric) => metric.name === 'gen_ai.client.token.usage');
    expect(tokens?.points.map((point) => point.attributes['gen_ai.token.type']).sort()).toEqual([
      'input',
      'output',
    ]);
    expect(aiotelLines(run.stderr)).toEqual([]);
  });

  it('is also loaded through NODE_OPTIONS', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      env: appEnv(otlp.url, { NODE_OPTIONS: '--import @aiotel/node/register' }),
    });
    expectCleanExit(run);
    expectAttemptChildren(otlp.spans(), 1);
  });
});

describe('where the ESM loader hook runs', () => {
  it("runs in the app's thread on this Node, and on a loader thread of its own with AIOTEL_ESM_HOOK_THREAD=true; both patch import 'openai'", async () => {
    expect(process.platform, 'counts threads in /proc/self/task: run this suite on Linux').toBe('linux');
    expect(
      supportsSyncHooks(),
      `Node ${process.version} cannot run the hook in the app's thread (it needs 22.22.3+, 24.11.1+ or 26+): run the tests with the Node of .ci/toolchain.sh`,
    ).toBe(true);
    const inThreadOtlp = await receiver();
    const inThread = await runApp({ file: 'chat.mjs', nodeArgs: IMPORT, env: appEnv(inThreadOtlp.url) });
    const threadOtlp = await receiver();
    const onThread = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(threadOtlp.url, { AIOTEL_ESM_HOOK_THREAD: 'true' }),
    });
    for (const run of [inThread, onThread]) {
      expectCleanExit(run);
      expect(aiotelLines(run.stderr)).toEqual([]);
    }
    expectAttemptChildren(inThreadOtlp.spans(), 1);
    expectAttemptChildren(threadOtlp.spans(), 1);
    const threads = (run: AppRun) => appResult(run.stdout)?.threads ?? Number.NaN;
    // In the app's thread (module.registerHooks) no thread starts for the hook.
    expect(threads(onThread)).toBeGreaterThan(threads(inThread));
  });

  it('warns once about an AIOTEL_ESM_HOOK_THREAD that is not a boolean, and patches as by default', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { AIOTEL_ESM_HOOK_THREAD: 'maybe' }),
    });
    expectCleanExit(run);
    expect(aiotelLines(run.stderr)).toEqual([
      '[aiotel] warn: AIOTEL_ESM_HOOK_THREAD="maybe" is not true or false; using false.',
    ]);
    expectAttemptChildren(otlp.spans(), 1);
  });
});

describe('HTTP attempts', () => {
  it("carry http.request.resend_count on the SDK's retries, under the one GenAI span", async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { RETRY_ONCE: `resend-${Date.now()}` }),
    });
    expectCleanExit(run);
    const spans = otlp.spans();
    const [genAi] = genAiSpans(spans);
    expect(genAiSpans(spans)).toHaveLength(1);
    const attempts = httpSpans(spans)
      .filter((span) => span.parentSpanId === genAi?.spanId)
      .sort(
        (a, b) =>
          Number(a.attributes['http.request.resend_count'] ?? 0) -
          Number(b.attributes['http.request.resend_count'] ?? 0),
      );
    expect(attempts.map((span) => span.attributes['http.response.status_code'])).toEqual([500, 200]);
    expect(attempts.map((span) => span.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
  });
});

describe('with @aiotel/resilience', () => {
  it('shows its retry as an event on the GenAI span and as resend_count on the second attempt', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'resilient.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { SCENARIO: `resilient-${Date.now()}` }),
    });
    expectCleanExit(run);
    const spans = otlp.spans();
    const [genAi] = genAiSpans(spans);
    expect(genAiSpans(spans)).toHaveLength(1);
    expect(genAi?.status.code ?? 0).not.toBe(2);
    const retry = genAi?.events.find((event) => event.name === 'aiotel.retry');
    expect(retry?.attributes).toMatchObject({ 'aiotel.retry.attempt': 1, 'aiotel.retry.reason': '500' });
    const attempts = httpSpans(spans).filter((span) => span.parentSpanId === genAi?.spanId);
    expect(attempts.map((span) => span.attributes['http.response.status_code']).sort()).toEqual([200, 500]);
    const second = attempts.find((span) => span.attributes['http.response.status_code'] === 200);
    expect(second?.attributes['http.request.resend_count']).toBe(1);
    expect(otlp.metrics().map((metric) => metric.name)).toContain('aiotel.resilience.retries');
  });
});

describe('worker threads', () => {
  it('start no second SDK, although they inherit --import', async () => {
    const otlp = await receiver();
    const run = await runApp({ file: 'worker.mjs', nodeArgs: IMPORT, env: appEnv(otlp.url) });
    expectCleanExit(run);
    expect(JSON.parse(run.stdout)).toEqual({ main: true, worker: false });
  });
});

describe('a CommonJS app', () => {
  it('started with --require exports GenAI spans, HTTP children and metrics, without loading gRPC', async () => {
    const otlp = await receiver();
    const run = await runApp({ file: 'chat.cjs', nodeArgs: REQUIRE, env: appEnv(otlp.url, { CALLS: '2' }) });
    expectCleanExit(run);
    expect(JSON.parse(run.stdout.split('\n')[0] ?? '{}').grpcLoaded).toBe(false);
    const spans = otlp.spans();
    expectAttemptChildren(spans, 2);
    expect(otlp.metrics().map((metric) => metric.name)).toContain('gen_ai.client.operation.duration');
  });

  it('started with --import is patched as well', async () => {
    const otlp = await receiver();
    const run = await runApp({ file: 'chat.cjs', nodeArgs: IMPORT, env: appEnv(otlp.url) });
    expectCleanExit(run);
    expectAttemptChildren(otlp.spans(), 1);
  });
});

describe('export encoding', () => {
  it('sends http/protobuf by default, to both signal paths, with no secret bytes', async () => {
    const otlp = await receiver();
    const env = appEnv(otlp.url, { FAKE_LLM_URL: `${bed.fake.url}?api_key=${QUERY_SECRET}`, LEAK: '1' });
    delete env.OTEL_EXPORTER_OTLP_PROTOCOL;
    const run = await runApp({ file: 'chat.mjs', nodeArgs: IMPORT, env });
    expectCleanExit(run);
    const paths = otlp.requests.map((request) => request.path).sort();
    expect(paths).toEqual(['/v1/metrics', '/v1/traces']);
    for (const request of otlp.requests) expect(request.contentType).toBe('application/x-protobuf');
    const bytes = otlp.allBytes();
    // The payload does carry what would have leaked, scrubbed: the span names and the redacted query.
    expect(bytes.includes('chat gpt-4o-mini')).toBe(true);
    expect(bytes.includes('api_key=REDACTED')).toBe(true);
    expect(bytes.includes(API_KEY)).toBe(false);
    expect(bytes.includes(QUERY_SECRET)).toBe(false);
  });
});

describe('secrets', () => {
  it('exports neither the API key nor key-like query parameters, wherever they appeared', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, {
        FAKE_LLM_URL: `${bed.fake.url}?api_key=${QUERY_SECRET}`,
        LEAK: '1',
        STREAM: '1',
      }),
    });
    expectCleanExit(run);
    const spans = otlp.spans();
    const attempt = httpSpans(spans)[0];
    expect(attempt?.attributes['url.full']).toBe(`${bed.fake.url}/chat/completions?api_key=REDACTED`);
    expect(attempt?.attributes['url.query']).toBe('?api_key=REDACTED');
    const appSpan = spans.find((span) => span.name === 'app work');
    expect(appSpan?.attributes['app.note']).toBe('Authorization: Bearer REDACTED');
    expect(appSpan?.events[0]?.attributes['exception.message']).toBe('upstream refused credential REDACTED');
    expect(appSpan?.status.message).toBe('refused REDACTED');
    const text = otlp.allBytes().toString();
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(QUERY_SECRET);
    expect(run.stderr).not.toContain(API_KEY);
  });
});

describe('OTEL_NODE_DISABLED_INSTRUMENTATIONS=undici', () => {
  it('leaves out the HTTP attempt spans and their metric, and still keeps the API key out of the app spans', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { LEAK: '1', STREAM: '1', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici' }),
    });
    expectCleanExit(run);
    expect(aiotelLines(run.stderr)).toEqual([]);
    const spans = otlp.spans();
    expect(genAiSpans(spans)).toHaveLength(2);
    expect(httpSpans(spans)).toEqual([]);
    const names = otlp.metrics().map((metric) => metric.name);
    expect(names).toContain('gen_ai.client.operation.duration');
    expect(names).not.toContain('http.client.request.duration');
    // The key reached the redactor from the request headers although no HTTP span was made.
    const appSpan = spans.find((span) => span.name === 'app work');
    expect(appSpan?.attributes['app.note']).toBe('Authorization: Bearer REDACTED');
    expect(otlp.allBytes().toString()).not.toContain(API_KEY);
  });
});

describe('message content', () => {
  const PROMPT = 'Say hello number 0';

  it('is exported nowhere by default', async () => {
    const otlp = await receiver();
    const run = await runApp({ file: 'chat.mjs', nodeArgs: IMPORT, env: appEnv(otlp.url) });
    expectCleanExit(run);
    expect(genAiSpans(otlp.spans())).toHaveLength(1);
    expect(otlp.allBytes().toString()).not.toContain(PROMPT);
  });

  it('is on the GenAI span with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' }),
    });
    expectCleanExit(run);
    const [span] = genAiSpans(otlp.spans());
    expect(JSON.stringify(span?.attributes['gen_ai.input.messages'])).toContain(PROMPT);
  });
});

describe('shutdown', () => {
  it('flushes all 50 spans on SIGTERM, then ends by SIGTERM as it would without the preload', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { CALLS: '50', AFTER: 'wait' }),
      onStdout: (stdout, child) => {
        if (stdout.includes('"done":true')) child.kill('SIGTERM');
      },
    });
    expect(run.killedByWatchdog).toBe(false);
    expect(run.signal).toBe('SIGTERM');
    expect(run.code).toBeNull();
    const spans = otlp.spans();
    expect(genAiSpans(spans)).toHaveLength(50);
    expect(httpSpans(spans)).toHaveLength(50);
    expect(new Set(genAiSpans(spans).map((span) => span.traceId)).size).toBe(50);
    expect(otlp.metrics().length).toBeGreaterThan(0);
  });

  it('flushes on SIGINT too, then ends by SIGINT', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { CALLS: '3', AFTER: 'wait' }),
      onStdout: (stdout, child) => {
        if (stdout.includes('"done":true')) child.kill('SIGINT');
      },
    });
    expect(run.killedByWatchdog).toBe(false);
    expect(run.signal).toBe('SIGINT');
    expect(genAiSpans(otlp.spans())).toHaveLength(3);
  });

  it('ends at once on a second signal while the first flush is still waiting for the collector', async () => {
    const otlp = await receiver('never-answer');
    let again: NodeJS.Timeout | undefined;
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      // Only the second signal can end the app before the watchdog: the flush may wait 20 s.
      env: appEnv(otlp.url, { AFTER: 'wait', AIOTEL_SHUTDOWN_TIMEOUT_MS: '20000' }),
      watchdogMs: 8000,
      onStdout: (stdout, child) => {
        if (!stdout.includes('"done":true') || again) return;
        child.kill('SIGTERM');
        // The first signal's flush is under way once the receiver holds a request.
        again = setInterval(() => {
          if (otlp.requests.length === 0) return;
          clearInterval(again);
          child.kill('SIGTERM');
        }, 20);
      },
    });
    clearInterval(again);
    expect(run.killedByWatchdog).toBe(false);
    expect(run.signal).toBe('SIGTERM');
  });

  it("keeps the app's process.exitCode when the exit flush has to give up", async () => {
    const otlp = await receiver('never-answer');
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { EXIT_CODE: '3', AIOTEL_SHUTDOWN_TIMEOUT_MS: '500' }),
      watchdogMs: 8000,
    });
    expect(run.killedByWatchdog).toBe(false);
    expect(run.code).toBe(3);
    expect(aiotelLines(run.stderr)).toHaveLength(1);
  });

  it('lets an app with its own SIGTERM handler keep control, and still flushes', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { CALLS: '3', AFTER: 'own-handler' }),
      onStdout: (stdout, child) => {
        if (stdout.includes('"done":true') && !stdout.includes('app handler ran')) child.kill('SIGTERM');
      },
    });
    expectCleanExit(run);
    expect(run.signal).toBeNull();
    expect(run.stdout).toContain('app handler ran');
    expect(run.stdout).toContain('app finished its own shutdown');
    expect(genAiSpans(otlp.spans())).toHaveLength(3);
  });
});

describe('a collector that is down or hangs', () => {
  it('leaves the app results unchanged and exits within the shutdown timeout with one warning (nothing listening)', async () => {
    const baseline = await runApp({ file: 'chat.mjs', env: appEnv('http://127.0.0.1:9', { CALLS: '3' }) });
    const port = await closedPort();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(`http://127.0.0.1:${port}`, { CALLS: '3', AIOTEL_SHUTDOWN_TIMEOUT_MS: '1000' }),
      // Well below the exporter's own 10 s timeout: only the shutdown bound can end the app in time.
      watchdogMs: 8000,
    });
    expectCleanExit(run);
    expect(appResult(run.stdout)).toEqual(appResult(baseline.stdout));
    expect(appResult(run.stdout)?.results).toHaveLength(3);
    expect(aiotelLines(run.stderr)).toHaveLength(1);
  });

  it('does not wait out the exporter retries at exit when the collector refuses connections', async () => {
    const port = await closedPort();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(`http://127.0.0.1:${port}`, {
        CALLS: '3',
        // Both bounds far above the watchdog: only "no retries once the shutdown began" can end the app before it.
        AIOTEL_SHUTDOWN_TIMEOUT_MS: '60000',
        OTEL_EXPORTER_OTLP_TIMEOUT: '60000',
      }),
      watchdogMs: 8000,
    });
    expectCleanExit(run);
    expect(appResult(run.stdout)?.results).toHaveLength(3);
    const lines = aiotelLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot export (traces|metrics)/);
  });

  it('warns once per outage, not once per failed batch, while a running app keeps exporting', async () => {
    const port = await closedPort();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(`http://127.0.0.1:${port}`, {
        CALLS: '12',
        CALL_DELAY_MS: '60',
        // A batch every 50 ms, each failing fast: about a dozen failed trace exports, then the metrics at exit.
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_OTLP_TIMEOUT: '200',
      }),
      watchdogMs: 15_000,
    });
    expectCleanExit(run);
    const lines = aiotelLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /cannot export (traces|metrics) to http:\/\/127\.0\.0\.1:\d+\/v1\/(traces|metrics): connection refused: nothing listens on 127\.0\.0\.1:\d+; is the collector running\?/,
    );
  });

  it('exits within the shutdown timeout with one warning when the collector never answers', async () => {
    const otlp = await receiver('never-answer');
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { CALLS: '3', AIOTEL_SHUTDOWN_TIMEOUT_MS: '1000' }),
      watchdogMs: 8000,
    });
    expectCleanExit(run);
    expect(appResult(run.stdout)?.results).toHaveLength(3);
    expect(otlp.requests.length).toBeGreaterThan(0);
    const lines = aiotelLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/took longer than 1000 ms/);
  });
});

describe('configuration', () => {
  it('OTEL_SDK_DISABLED=true exports nothing and the app runs', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { OTEL_SDK_DISABLED: 'true' }),
    });
    expectCleanExit(run);
    expect(appResult(run.stdout)?.results).toHaveLength(1);
    expect(otlp.requests).toHaveLength(0);
  });

  it('an invalid value gives one [aiotel] warning and its default; telemetry still flows', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { OTEL_METRIC_EXPORT_INTERVAL: 'often' }),
    });
    expectCleanExit(run);
    expect(aiotelLines(run.stderr)).toEqual([
      '[aiotel] warn: OTEL_METRIC_EXPORT_INTERVAL="often" is not a positive whole number; using 60000.',
    ]);
    expect(genAiSpans(otlp.spans())).toHaveLength(1);
  });

  it('AIOTEL_METRIC_ATTRIBUTES lets chosen business attributes reach the metrics; spans get them all', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { FEATURE: 'search', AIOTEL_METRIC_ATTRIBUTES: 'app.feature' }),
    });
    expectCleanExit(run);
    const [span] = genAiSpans(otlp.spans());
    expect(span?.attributes).toMatchObject({ 'app.feature': 'search', 'app.tenant': 'tenant-1' });
    const cost = otlp.metrics().find((metric) => metric.name === 'aiotel.gen_ai.client.cost');
    expect(cost?.points[0]?.attributes['app.feature']).toBe('search');
    expect(cost?.points[0]?.attributes['app.tenant']).toBeUndefined();
  });

  it('sends OTEL_EXPORTER_OTLP_HEADERS with every export, to the signal endpoints it is given', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv('http://127.0.0.1:9', {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${otlp.url}/v1/traces`,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${otlp.url}/v1/metrics`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=tok123,x-team=genai',
      }),
    });
    expectCleanExit(run);
    expect(otlp.requests.map((request) => request.path).sort()).toEqual(['/v1/metrics', '/v1/traces']);
    for (const request of otlp.requests) {
      expect(request.headers['x-collector-token']).toBe('tok123');
      expect(request.headers['x-team']).toBe('genai');
    }
  });

  it("AIOTEL_PRICES_FILE prices calls with the file's overrides", async () => {
    const otlp = await receiver();
    const prices = join(mkdtempSync(join(tmpdir(), 'aiotel-prices-')), 'prices.json');
    // One dollar per input token, nothing for output: the cost equals the input token count.
    writeFileSync(prices, JSON.stringify({ 'gpt-4o-mini': { input: 1_000_000, output: 0 } }));
    const run = await runApp({
      file: 'chat.mjs',
      nodeArgs: IMPORT,
      env: appEnv(otlp.url, { AIOTEL_PRICES_FILE: prices }),
    });
    expectCleanExit(run);
    const [span] = genAiSpans(otlp.spans());
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBe(span?.attributes['gen_ai.usage.input_tokens']);
    expect(span?.attributes['gen_ai.usage.cost.source']).toBe('local');
  });
});

describe('startTelemetry() in code', () => {
  it('takes its options from code and flushes on an explicit shutdown before process.exit()', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'start-in-code.cjs',
      env: {
        FAKE_LLM_URL: bed.fake.url,
        FIXTURE_CREDENTIAL: API_KEY,
        TEST_ENDPOINT: otlp.url,
        EXIT: '1',
        AIOTEL_NODE_ENTRY,
      },
    });
    expectCleanExit(run);
    const spans = genAiSpans(otlp.spans());
    expect(spans).toHaveLength(1);
    expect(spans[0]?.resource['service.name']).toBe('from-code');
    expectAttemptChildren(otlp.spans(), 1);
  });

  it('returns the running instance, with one warning, when the preload already started one', async () => {
    const otlp = await receiver();
    const run = await runApp({
      file: 'start-in-code.cjs',
      nodeArgs: REQUIRE,
      env: { ...appEnv(otlp.url), TEST_ENDPOINT: 'http://127.0.0.1:9', AIOTEL_NODE_ENTRY },
    });
    expectCleanExit(run);
    expect(aiotelLines(run.stderr)).toEqual([
      '[aiotel] warn: telemetry is already started in this process; using the running instance.',
    ]);
    const spans = genAiSpans(otlp.spans());
    expect(spans).toHaveLength(1);
    expect(spans[0]?.resource['service.name']).toBe('aiotel-fixture-app');
  });
});
