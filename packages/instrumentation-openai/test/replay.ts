// Serves one recorded OpenAI exchange (from ./fixtures/openai-recordings) for every
// request: real response shapes the fake server does not produce (e.g. chunks without `choices`);
// or a canned answer written in a test.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const RECORDINGS = new URL('./fixtures/openai-recordings/', import.meta.url);

export interface Replay {
  url: string;
  /** Request bodies received. */
  bodies: unknown[];
  close(): Promise<void>;
}

export async function startReplay(recording: string): Promise<Replay> {
  const exchanges = JSON.parse(readFileSync(new URL(`${recording}.json`, RECORDINGS), 'utf8')) as {
    status: number;
    response: unknown;
  }[];
  const exchange = exchanges[0];
  if (exchange === undefined) throw new Error(`no exchange in ${recording}`);
  const sse = typeof exchange.response === 'string';
  return serveCanned(
    exchange.status,
    sse ? 'text/event-stream' : 'application/json',
    sse ? (exchange.response as string) : JSON.stringify(exchange.response),
  );
}

/** Answers every request with the same status, content type and body, on a loopback port. */
export async function serveCanned(status: number, contentType: string, body: string): Promise<Replay> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let received = '';
    req.on('data', (chunk) => {
      received += chunk;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(received || 'null'));
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
