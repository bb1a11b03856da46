import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpHttpTransport } from '../src/otlp-transport.js';
import { type BadCollector, startBadCollector } from './harness/bad-collector.js';

let collector: BadCollector | undefined;
afterEach(() => collector?.close());

/** The transport the preload's trace exporter makes for `url`, with upstream's settings for it. */
function transport(url: string): OtlpHttpTransport {
  const settings = convertLegacyHttpOptions(
    { url, compression: CompressionAlgorithm.NONE },
    'TRACES',
    'v1/traces',
    {},
  );
  const never = new AbortController().signal;
  return new OtlpHttpTransport(settings, { closing: never, abandoned: never });
}

describe('the OTLP/HTTP transport', () => {
  it("names the user's timeout in a timeout message, not what a retry had left of it", async () => {
    collector = await startBadCollector('unavailable-then-hang');
    const response = await transport(`${collector.url}/v1/traces`).send(new Uint8Array([1, 2, 3]), 400);
    expect(response.status).toBe('retryable');
    expect(response.status === 'success' ? undefined : response.error?.message).toMatch(
      /^the collector at 127\.0\.0\.1:\d+ accepted the export but did not answer within 400 ms \(OTEL_EXPORTER_OTLP_TIMEOUT\)$/,
    );
  });
});
