// @ts-check
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * A loopback OTLP/HTTP receiver in the demo process that hands every JSON export to the summary and forwards
 * it, byte for byte, to the real collector. The preload exports to it, so the summary is built from exactly what
 * was exported (after the preload's secret redaction), with no private SDK hook.
 *
 * Forwarding uses node:http, not fetch: the undici instrumentation would otherwise trace the forwarding and
 * export those spans in turn.
 */

/** Largest export accepted; the preload's batches are far smaller. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Headers not copied to the forwarded request: hop-by-hop, or recomputed by node:http. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

/**
 * @typedef {object} OtlpTeeOptions
 * @property {{ traces: string, metrics: string } | undefined} upstream full URLs of the collector's
 *   `/v1/traces` and `/v1/metrics`; `undefined` to forward nothing (no collector listens)
 * @property {(payload: unknown) => void} onTraces called with each parsed trace export
 * @property {(payload: unknown) => void} onMetrics called with each parsed metric export
 * @property {number} [upstreamTimeoutMs] longest wait for the collector's answer; default 10000
 */

/**
 * @typedef {object} OtlpTee
 * @property {string} url base URL to give the exporters (`OTEL_EXPORTER_OTLP_ENDPOINT`)
 * @property {() => Promise<void>} close
 */

/**
 * Starts the tee on 127.0.0.1 with a free port. It never keeps the process alive by itself.
 *
 * @param {OtlpTeeOptions} options
 * @returns {Promise<OtlpTee>}
 */
export async function startOtlpTee(options) {
  const timeoutMs = options.upstreamTimeoutMs ?? 10_000;
  const server = createServer((req, res) => {
    const signal = req.url === '/v1/traces' ? 'traces' : req.url === '/v1/metrics' ? 'metrics' : undefined;
    if (req.method !== 'POST' || signal === undefined) {
      res.writeHead(404).end();
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      const body = Buffer.concat(chunks);
      try {
        const payload = JSON.parse(body.toString('utf8'));
        if (signal === 'traces') options.onTraces(payload);
        else options.onMetrics(payload);
      } catch {
        // Not JSON (protobuf from a misconfigured exporter): still forwarded, just not summarised.
      }
      const target = options.upstream?.[signal];
      if (target === undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      forward(target, req.headers, body, timeoutMs, (status, headers, answer) => {
        res.writeHead(status, headers).end(answer);
      });
    });
  });
  server.keepAliveTimeout = 1000;
  server.on('connection', (socket) => socket.unref());
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  server.unref();
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * POSTs the body to the collector and reports its answer; a network failure or timeout answers 502/504 so the
 * exporter sees the failure as it would have without the tee.
 *
 * @param {string} target
 * @param {import('node:http').IncomingHttpHeaders} incoming
 * @param {Buffer} body
 * @param {number} timeoutMs
 * @param {(status: number, headers: Record<string, string>, body: Buffer | string) => void} reply
 */
function forward(target, incoming, body, timeoutMs, reply) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (!HOP_HEADERS.has(name) && typeof value === 'string') headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  let replied = false;
  /** @type {typeof reply} */
  const once = (status, answerHeaders, answer) => {
    if (replied) return;
    replied = true;
    reply(status, answerHeaders, answer);
  };
  try {
    const url = new URL(target);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(url, { method: 'POST', headers, timeout: timeoutMs }, (response) => {
      /** @type {Buffer[]} */
      const answer = [];
      response.on('data', (/** @type {Buffer} */ chunk) => answer.push(chunk));
      response.on('end', () => {
        const type = response.headers['content-type'];
        once(response.statusCode ?? 502, type ? { 'content-type': type } : {}, Buffer.concat(answer));
      });
      response.on('error', () => once(502, {}, ''));
    });
    outgoing.on('timeout', () => {
      outgoing.destroy();
      once(504, {}, '');
    });
    outgoing.on('error', () => once(502, {}, ''));
    outgoing.end(body);
  } catch {
    once(502, {}, '');
  }
}
