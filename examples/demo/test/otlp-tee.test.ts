import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isListening, otlpEndpointFrom } from '../src/otlp-probe.mjs';
import { type OtlpTee, startOtlpTee } from '../src/otlp-tee.mjs';

const servers: Server[] = [];
const tees: OtlpTee[] = [];
afterEach(async () => {
  await Promise.all(tees.splice(0).map((tee) => tee.close()));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
});

/** A collector stand-in that records what it receives and answers with `status`. */
async function collector(status: number) {
  const received: { path: string; body: string; auth: string | undefined }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body, auth: req.headers.authorization });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"partialSuccess":{}}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** A port that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const post = (url: string, body: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
    body,
  });

describe('isListening', () => {
  it('tells a listening endpoint from a closed port', async () => {
    const up = await collector(200);
    expect(await isListening(up.url)).toBe(true);
    expect(await isListening(`http://127.0.0.1:${await closedPort()}`)).toBe(false);
    expect(await isListening('not a url')).toBe(false);
  });

  it('reads the traces endpoint first, then the general one, then the OTLP/HTTP default', () => {
    expect(otlpEndpointFrom({})).toBe('http://localhost:4318');
    expect(otlpEndpointFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe('http://c:4318');
    expect(
      otlpEndpointFrom({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t',
      }),
    ).toBe('http://t');
  });
});

describe('startOtlpTee', () => {
  it('hands each export to the summary and forwards it unchanged, headers included, with the answer of the collector', async () => {
    const upstream = await collector(200);
    const traces: unknown[] = [];
    const metrics: unknown[] = [];
    const tee = await startOtlpTee({
      upstream: { traces: `${upstream.url}/v1/traces`, metrics: `${upstream.url}/v1/metrics` },
      onTraces: (payload) => traces.push(payload),
      onMetrics: (payload) => metrics.push(payload),
    });
    tees.push(tee);
    const body = '{"resourceSpans":[]}';
    const answer = await post(`${tee.url}/v1/traces`, body);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('{"partialSuccess":{}}');
    await post(`${tee.url}/v1/metrics`, '{"resourceMetrics":[]}');
    expect(traces).toEqual([{ resourceSpans: [] }]);
    expect(metrics).toEqual([{ resourceMetrics: [] }]);
    expect(upstream.received).toEqual([
      { path: '/v1/traces', body, auth: 'Bearer t' },
      { path: '/v1/metrics', body: '{"resourceMetrics":[]}', auth: 'Bearer t' },
    ]);
  });

  it('passes a collector failure on to the exporter, and still summarises the export', async () => {
    const traces: unknown[] = [];
    const tee = await startOtlpTee({
      upstream: {
        traces: `http://127.0.0.1:${await closedPort()}/v1/traces`,
        metrics: 'http://127.0.0.1:9/',
      },
      onTraces: (payload) => traces.push(payload),
      onMetrics: () => undefined,
    });
    tees.push(tee);
    expect((await post(`${tee.url}/v1/traces`, '{"resourceSpans":[]}')).status).toBe(502);
    expect(traces).toHaveLength(1);
  });

  it('answers 200 without forwarding when there is no collector', async () => {
    const traces: unknown[] = [];
    const tee = await startOtlpTee({
      upstream: undefined,
      onTraces: (p) => traces.push(p),
      onMetrics: () => {},
    });
    tees.push(tee);
    expect((await post(`${tee.url}/v1/traces`, '{"resourceSpans":[]}')).status).toBe(200);
    expect((await post(`${tee.url}/v1/logs`, '{}')).status).toBe(404);
    expect(traces).toHaveLength(1);
  });
});
