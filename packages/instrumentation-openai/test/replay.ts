// Serves one recorded OpenAI exchange (from ./fixtures/openai-recordings) for every
// request: real response shapes the fake server does not produce (e.g. chunks without `choices`).
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
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(body || 'null'));
      const sse = typeof exchange.response === 'string';
      res.writeHead(exchange.status, {
        'content-type': sse ? 'text/event-stream' : 'application/json',
      });
      res.end(sse ? exchange.response : JSON.stringify(exchange.response));
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
