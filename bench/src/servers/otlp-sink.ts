/**
 * The OTLP/HTTP sink: accepts POST /v1/traces, /v1/metrics and /v1/logs, reads and discards the body and
 * answers 200 with an empty export response, like a collector that drops everything. Runs in its own
 * process so its CPU is not counted in the client's. Reports `{ url }` over IPC when listening, answers
 * `stats` and `reset` messages with the requests and bytes it received per path.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkStats {
  requests: number;
  bytes: number;
  byPath: Record<string, { requests: number; bytes: number }>;
}

let stats: SinkStats = { requests: 0, bytes: 0, byPath: {} };

const server = createServer((req, res) => {
  const path = req.url ?? '/';
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    stats.requests++;
    stats.bytes += bytes;
    const entry = stats.byPath[path] ?? { requests: 0, bytes: 0 };
    stats.byPath[path] = entry;
    entry.requests++;
    entry.bytes += bytes;
    const json = (req.headers['content-type'] ?? '').includes('json');
    // An empty protobuf message and `{}` are both a full success (no partial_success) in OTLP.
    res.writeHead(req.method === 'POST' ? 200 : 405, {
      'content-type': json ? 'application/json' : 'application/x-protobuf',
    });
    res.end(json ? '{}' : undefined);
  });
});

server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
});

process.on('message', (msg: { type?: string; id?: number }) => {
  if (msg.type === 'stats') process.send?.({ type: 'stats', id: msg.id, stats });
  else if (msg.type === 'reset') {
    stats = { requests: 0, bytes: 0, byPath: {} };
    process.send?.({ type: 'reset', id: msg.id });
  }
});
// The orchestrator going away (even killed) ends the sink.
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
  process.exit(0);
});
