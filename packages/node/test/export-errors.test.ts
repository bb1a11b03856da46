import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiotelLines, appResult, runApp } from './harness/app.js';
import { type BadCollector, type CollectorFailure, startBadCollector } from './harness/bad-collector.js';
import { ensureBuilt } from './harness/build.js';

let fake: FakeLlm;
const collectors: BadCollector[] = [];

beforeAll(async () => {
  ensureBuilt();
  fake = await startFakeLlm({ latency: false });
}, 200_000);

afterAll(async () => {
  await fake?.close();
  await Promise.all(collectors.map((collector) => collector.close()));
});

/** Runs an app that exports about ten batches of each signal to the endpoint; returns its `[aiotel]` lines. */
async function exportWarnings(endpoint: string, extra: Record<string, string> = {}): Promise<string[]> {
  const run = await runApp({
    file: 'chat.mjs',
    nodeArgs: ['--import', '@aiotel/node/register'],
    env: {
      FAKE_LLM_URL: fake.url,
      FIXTURE_CREDENTIAL: 'fixture-credential',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      CALLS: '6',
      CALL_DELAY_MS: '150',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      AIOTEL_SHUTDOWN_TIMEOUT_MS: '3000',
      ...extra,
    },
    watchdogMs: 20_000,
  });
  expect(run.killedByWatchdog, run.stderr).toBe(false);
  expect(run.code, run.stderr).toBe(0);
  expect(appResult(run.stdout)?.results).toHaveLength(6);
  return aiotelLines(run.stderr);
}

async function collector(failure: CollectorFailure): Promise<BadCollector> {
  const started = await startBadCollector(failure);
  collectors.push(started);
  return started;
}

/** The one line an export failure gives, whichever signal met it first. */
function exportLine(rest: string): RegExp {
  return new RegExp(
    `^\\[aiotel\\] warn: cannot export (traces|metrics) to \\S+: ${rest} \\(telemetry is dropped until this is fixed; the app is not affected\\)$`,
  );
}

describe('an export failure is reported once, in one line that says what to fix', () => {
  it('an endpoint on the gRPC port (HTTP/2 only): use the OTLP/HTTP port 4318', async () => {
    const grpc = await collector('grpc-port');
    const lines = await exportWarnings(grpc.url);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      exportLine(
        "the endpoint does not speak HTTP/1\\.1 \\(Parse Error: Expected HTTP/, RTSP/ or ICE/\\): is this the collector's OTLP/gRPC port \\(usually 4317\\)\\?; @aiotel/node sends OTLP/HTTP, use the collector OTLP/HTTP port \\(usually 4318\\)",
      ),
    );
  });

  it('a base endpoint that already ends with /v1/traces (posts to /v1/traces/v1/traces): drop the path', async () => {
    const otlp = await collector('otlp-paths');
    const lines = await exportWarnings(`${otlp.url}/v1/traces`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      exportLine(
        'the collector answered 404 Not Found for /v1/traces/v1/(traces|metrics): OTEL_EXPORTER_OTLP_ENDPOINT is the base URL and already ends with /v1/traces; drop that path, or set OTEL_EXPORTER_OTLP_(TRACES|METRICS)_ENDPOINT to the full URL',
      ),
    );
  });

  it('an unknown host: the DNS lookup failed', async () => {
    const lines = await exportWarnings('http://collector.invalid:4318');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      exportLine(
        'unknown host "collector\\.invalid" \\(DNS lookup failed: ENOTFOUND\\); check the host name in the endpoint URL',
      ),
    );
  });

  it('https:// to a collector without TLS: use http://', async () => {
    const plain = await collector('plain-http');
    const lines = await exportWarnings(plain.url);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      exportLine('TLS failed \\(EPROTO\\): the endpoint speaks plain HTTP: use http:// instead of https://'),
    );
  });

  it('connection refused: is the collector running?', async () => {
    const refusing = await collector('refuse');
    const lines = await exportWarnings(refusing.url);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      exportLine('connection refused: nothing listens on 127\\.0\\.0\\.1:\\d+; is the collector running\\?'),
    );
  });

  it('a collector that never answers: the export timeout, named', async () => {
    const hanging = await collector('hang');
    const lines = await exportWarnings(hanging.url, { OTEL_EXPORTER_OTLP_TIMEOUT: '300' });
    expect(lines.filter((line) => line.includes('cannot export'))).toHaveLength(1);
    expect(lines[0]).toMatch(
      exportLine(
        'the collector at 127\\.0\\.0\\.1:\\d+ accepted the export but did not answer within 300 ms \\(OTEL_EXPORTER_OTLP_TIMEOUT\\)',
      ),
    );
  });

  it('a collector that answers 5xx: the status and what it said', async () => {
    const unavailable = await collector('unavailable');
    const lines = await exportWarnings(unavailable.url);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      exportLine('the collector answered 503 Service Unavailable \\(collector overloaded\\)'),
    );
  });
});
