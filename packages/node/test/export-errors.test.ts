import { describe, expect, it } from 'vitest';
import { aiotelLines, appResult } from './harness/app.js';
import { type CollectorFailure, startBadCollector } from './harness/bad-collector.js';
import { useTestBed } from './harness/test-bed.js';

const bed = useTestBed();

/** Runs an app that exports about ten batches of each signal to the endpoint; returns its `[aiotel]` lines. */
async function exportWarnings(endpoint: string, extra: Record<string, string> = {}): Promise<string[]> {
  const run = await bed.runChat(
    endpoint,
    {
      CALLS: '6',
      CALL_DELAY_MS: '150',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      AIOTEL_SHUTDOWN_TIMEOUT_MS: '3000',
      ...extra,
    },
    { watchdogMs: 20_000 },
  );
  expect(run.killedByWatchdog, run.stderr).toBe(false);
  expect(run.code, run.stderr).toBe(0);
  expect(appResult(run.stdout)?.results).toHaveLength(6);
  return aiotelLines(run.stderr);
}

interface Case {
  readonly what: string;
  /** The collector the app exports to; none for an unknown host. */
  readonly collector?: CollectorFailure;
  /** The endpoint, from the collector's base URL. */
  readonly endpoint: (base: string) => string;
  readonly env?: Record<string, string>;
  /** The reason in the one line, as a regular expression source. */
  readonly reason: string;
}

const CASES: readonly Case[] = [
  {
    what: 'an endpoint on the gRPC port (HTTP/2 only): use the OTLP/HTTP port 4318',
    collector: 'grpc-port',
    endpoint: (base) => base,
    reason:
      "the endpoint does not speak HTTP/1\\.1 \\(Parse Error: Expected HTTP/, RTSP/ or ICE/\\): is this the collector's OTLP/gRPC port \\(usually 4317\\)\\?; @aiotel/node sends OTLP/HTTP, use the collector OTLP/HTTP port \\(usually 4318\\)",
  },
  {
    what: 'a base endpoint that already ends with /v1/traces (posts to /v1/traces/v1/traces): drop the path',
    collector: 'otlp-paths',
    endpoint: (base) => `${base}/v1/traces`,
    reason:
      'the collector answered 404 Not Found for /v1/traces/v1/(traces|metrics): OTEL_EXPORTER_OTLP_ENDPOINT is the base URL and already ends with /v1/traces; drop that path, or set OTEL_EXPORTER_OTLP_(TRACES|METRICS)_ENDPOINT to the full URL',
  },
  {
    what: 'an unknown host: the DNS lookup failed',
    endpoint: () => 'http://collector.invalid:4318',
    reason:
      'unknown host "collector\\.invalid" \\(DNS lookup failed: ENOTFOUND\\); check the host name in the endpoint URL',
  },
  {
    what: 'https:// to a collector without TLS: use http://',
    collector: 'plain-http',
    endpoint: (base) => base,
    reason: 'TLS failed \\(EPROTO\\): the endpoint speaks plain HTTP: use http:// instead of https://',
  },
  {
    what: 'connection refused: is the collector running?',
    collector: 'refuse',
    endpoint: (base) => base,
    reason: 'connection refused: nothing listens on 127\\.0\\.0\\.1:\\d+; is the collector running\\?',
  },
  {
    what: 'a collector that never answers: the export timeout, named',
    collector: 'hang',
    endpoint: (base) => base,
    env: { OTEL_EXPORTER_OTLP_TIMEOUT: '300' },
    reason:
      'the collector at 127\\.0\\.0\\.1:\\d+ accepted the export but did not answer within 300 ms \\(OTEL_EXPORTER_OTLP_TIMEOUT\\)',
  },
  {
    what: 'a collector that answers 5xx: the status and what it said',
    collector: 'unavailable',
    endpoint: (base) => base,
    reason: 'the collector answered 503 Service Unavailable \\(collector overloaded\\)',
  },
];

describe('an export failure is reported once, in one line that says what to fix', () => {
  it.each(CASES)('$what', async ({ collector, endpoint, env, reason }) => {
    const base = collector ? bed.closeAtEnd(await startBadCollector(collector)).url : '';
    const lines = await exportWarnings(endpoint(base), env);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\[aiotel\\] warn: cannot export (traces|metrics) to \\S+: ${reason} \\(telemetry is dropped until this is fixed; the app is not affected\\)$`,
      ),
    );
  });
});
