import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * How a fake collector misbehaves:
 * - `refuse`: nothing listens on the port (connection refused);
 * - `hang`: accepts connections, reads the request, never answers;
 * - `trickle`: answers `200` with a long body, one byte a second;
 * - `unavailable`: answers every export with `503 Service Unavailable`;
 * - `unavailable-then-hang`: answers the first export, after 150 ms, `503` with `Retry-After: 0` (retry at once), and
 *   never answers the retry;
 * - `tls-hang`: to be reached over `https://`; accepts connections and never completes the TLS handshake;
 * and collectors that work but are reached the wrong way:
 * - `grpc-port`: speaks HTTP/2 only, as the collector's OTLP/gRPC port 4317 does;
 * - `plain-http`: a working OTLP/HTTP receiver without TLS, reached over `https://`;
 * - `otlp-paths`: a working OTLP/HTTP receiver that answers 404 outside `/v1/traces` and `/v1/metrics`, as the
 *   collector does.
 */
export type CollectorFailure =
  | 'refuse'
  | 'hang'
  | 'trickle'
  | 'unavailable'
  | 'unavailable-then-hang'
  | 'tls-hang'
  | 'grpc-port'
  | 'plain-http'
  | 'otlp-paths';

/** The failures an app's exit must be bounded for. */
export const COLLECTOR_FAILURES: readonly CollectorFailure[] = [
  'refuse',
  'hang',
  'trickle',
  'unavailable',
  'tls-hang',
];

/** A collector that fails one way, on 127.0.0.1 and a free port. */
export interface BadCollector {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT` (`https://` for `tls-hang` and `plain-http`). */
  readonly url: string;
  /** Connections accepted so far (0 for `refuse`). */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a collector that fails the given way. */
export async function startBadCollector(failure: CollectorFailure): Promise<BadCollector> {
  if (failure === 'refuse') {
    const port = await closedPort();
    return { url: `http://127.0.0.1:${port}`, connections: () => 0, close: () => Promise.resolve() };
  }
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  const server: Server =
    failure === 'unavailable' ||
    failure === 'unavailable-then-hang' ||
    failure === 'plain-http' ||
    failure === 'otlp-paths'
      ? httpServer(failure, timers)
      : failure === 'grpc-port'
        ? (createHttp2Server() as unknown as Server)
        : rawServer(failure, timers);
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const scheme = failure === 'tls-hang' || failure === 'plain-http' ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago and has nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * 503 for everything (`unavailable`) or for the first export only, the rest unanswered (`unavailable-then-hang`), or an
 * OTLP/HTTP receiver that accepts /v1/traces and /v1/metrics only.
 */
function httpServer(
  failure: 'unavailable' | 'unavailable-then-hang' | 'plain-http' | 'otlp-paths',
  timers: Set<NodeJS.Timeout>,
): Server {
  let requests = 0;
  return createHttpServer((request, response) => {
    request.resume();
    const first = ++requests === 1;
    request.on('end', () => {
      if (failure === 'unavailable-then-hang') {
        if (!first) return;
        const timer = setTimeout(() => {
          response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' });
          response.end('collector overloaded');
        }, 150);
        timers.add(timer);
      } else if (failure === 'unavailable') {
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end('collector overloaded');
      } else if (request.url === '/v1/traces' || request.url === '/v1/metrics') {
        response.writeHead(200, { 'content-type': 'application/x-protobuf' });
        response.end();
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('404 page not found');
      }
    });
  });
}

/** `hang` and `tls-hang` read and never write; `trickle` answers the first request one body byte a second. */
function rawServer(failure: 'hang' | 'trickle' | 'tls-hang', timers: Set<NodeJS.Timeout>): Server {
  return createServer((socket) => {
    socket.resume();
    if (failure !== 'trickle') return;
    socket.once('data', () => {
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 100000\r\n\r\n',
      );
      const timer = setInterval(() => {
        if (socket.destroyed) clearInterval(timer);
        else socket.write('\0');
      }, 1000);
      timers.add(timer);
    });
  });
}
