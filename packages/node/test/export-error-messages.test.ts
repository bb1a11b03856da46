import { describe, expect, it } from 'vitest';
import { networkFailure, statusFailure, timeoutFailure } from '../src/export-errors.js';

const TRACES = new URL('http://collector:4318/v1/traces');

function errno(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('what an export failure says', () => {
  it('names the port as the gRPC port when the endpoint is on 4317', () => {
    const failure = networkFailure(
      errno('HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/'),
      new URL('http://collector:4317/v1/traces'),
    );
    expect(failure.kind).toBe('grpc-port');
    expect(failure.message).toContain("port 4317 is the collector's OTLP/gRPC port");
    expect(failure.message).toContain('usually 4318');
  });

  it('tells a TLS certificate problem from plain HTTP behind https://', () => {
    const https = new URL('https://collector:4318/v1/traces');
    expect(
      networkFailure(errno('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), https).message,
    ).toBe(
      "TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT): if the collector's certificate is signed by a private CA, set OTEL_EXPORTER_OTLP_CERTIFICATE to that CA's PEM file",
    );
    expect(networkFailure(errno('EPROTO', 'SSL routines:…:wrong version number'), https).message).toBe(
      'TLS failed (EPROTO): the endpoint speaks plain HTTP: use http:// instead of https://',
    );
  });

  it('names the phase a timeout happened in', () => {
    expect(timeoutFailure(300, 'connecting', TRACES).message).toBe(
      'no connection to collector:4318 within 300 ms (OTEL_EXPORTER_OTLP_TIMEOUT)',
    );
    expect(timeoutFailure(300, 'reading-answer', TRACES).message).toContain('did not finish its answer');
  });

  it('gives the status, and the fix for the statuses that have one', () => {
    expect(statusFailure(401, 'Unauthorized', '', TRACES).message).toBe(
      'the collector answered 401 Unauthorized: check the credentials sent in OTEL_EXPORTER_OTLP_HEADERS',
    );
    expect(statusFailure(413, 'Payload Too Large', '', TRACES).message).toContain(
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    );
    expect(statusFailure(404, 'Not Found', '', TRACES).message).toBe(
      "the collector answered 404 Not Found: nothing serves /v1/traces there; is this the collector's OTLP/HTTP port (usually 4318)?",
    );
    expect(statusFailure(404, 'Not Found', '', new URL('http://collector:4318/otlp')).message).toBe(
      "the collector answered 404 Not Found: nothing serves /otlp; the collector's OTLP/HTTP receiver takes /v1/traces and /v1/metrics",
    );
    expect(
      statusFailure(400, 'Bad Request', 'Client sent an HTTP request to an HTTPS server.', TRACES).message,
    ).toBe('the collector answered 400 Bad Request: the endpoint expects TLS; use https://');
    const long = statusFailure(500, 'Internal Server Error', `boom\n${'x'.repeat(300)}`, TRACES).message;
    expect(long).toMatch(/^the collector answered 500 Internal Server Error \(boom x+…\)$/);
    expect(long.length).toBeLessThan(260);
  });
});
