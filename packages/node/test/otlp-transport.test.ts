import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpHttpSettings, OtlpHttpTransport } from '../src/otlp-transport.js';

const servers: Array<{ close(): void; closeAllConnections(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A collector that answers its first export 503 (retry at once) after `firstAnswerMs`, then never answers again. */
async function overloadedThenHanging(firstAnswerMs: number): Promise<string> {
  let requests = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    requests += 1;
    if (requests === 1) {
      setTimeout(() => {
        response.writeHead(503, { 'Retry-After': '0' });
        response.end('overloaded');
      }, firstAnswerMs);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
}

function transport(url: string): OtlpHttpTransport {
  const settings = {
    url,
    headers: async () => ({}),
    compression: 'none',
    agentFactory: () => new Agent({ keepAlive: true }),
  } as unknown as OtlpHttpSettings;
  const never = new AbortController().signal;
  return new OtlpHttpTransport(settings, { closing: never, abandoned: never });
}

describe('the OTLP/HTTP transport', () => {
  it("names the user's timeout in a timeout message, not what a retry had left of it", async () => {
    const url = await overloadedThenHanging(150);
    const response = await transport(url).send(new Uint8Array([1, 2, 3]), 400);
    expect(response.status).toBe('retryable');
    expect(response.status === 'success' ? undefined : response.error?.message).toMatch(
      /^the collector at 127\.0\.0\.1:\d+ accepted the export but did not answer within 400 ms \(OTEL_EXPORTER_OTLP_TIMEOUT\)$/,
    );
  });
});
