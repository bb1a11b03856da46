import { type Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import type { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import {
  abandonedFailure,
  ExportError,
  networkFailure,
  type RequestPhase,
  statusFailure,
  timeoutFailure,
} from './export-errors.js';

/** The exporter settings upstream resolves from options and `OTEL_EXPORTER_OTLP_*` (headers, compression, TLS files). */
export type OtlpHttpSettings = ReturnType<typeof convertLegacyHttpOptions>;

/**
 * What a shutdown tells the exports in flight: `closing` once it begins (no more retries: the app is ending),
 * `abandoned` once it has given up or finished (requests still open are destroyed).
 */
export interface ExportSignals {
  readonly closing: AbortSignal;
  readonly abandoned: AbortSignal;
}

/** Retry schedule of the OTLP exporter specification, as upstream's RetryingTransport uses it. */
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

/** A collector answer larger than this is cut off (upstream's limit). */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** The exporter's name in the User-Agent header, as the OTLP exporter specification asks. */
const USER_AGENT = 'aiotel-node OTel-OTLP-Exporter-JavaScript/0.301.2';

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_KINDS = new Set<ExportError['kind']>(['refused', 'dns', 'network', 'timeout']);

const gzipAsync = promisify(gzip);

/**
 * Sends OTLP/HTTP exports so that they never hold the process: replaces upstream's HttpExporterTransport and
 * RetryingTransport (@opentelemetry/otlp-exporter-base 0.301), which together keep a finished app alive for as long as
 * a collector hangs — sockets and retry timers are ref'd, and the request timeout is an idle timeout that a collector
 * answering one byte a second never reaches (open-telemetry/opentelemetry-js-contrib#3349; retry schedule not
 * configurable: open-telemetry/opentelemetry-js#6220). Here:
 * - `timeoutMillis` bounds the whole export, retries included (the specification's reading,
 *   open-telemetry/opentelemetry-specification#2346);
 * - sockets and timers are unref'd: an export in flight never keeps the event loop alive (the shutdown holds the
 *   process while it flushes, bounded by AIOTEL_SHUTDOWN_TIMEOUT_MS);
 * - a shutdown stops retries and, once over, destroys what is still open;
 * - every failure is an ExportError whose message says what to fix.
 */
export class OtlpHttpTransport implements IExporterTransport {
  readonly #settings: OtlpHttpSettings;
  readonly #signals: ExportSignals;
  readonly #url: URL;
  readonly #release: ((data: Uint8Array) => void) | undefined;
  #agent: Promise<Agent> | undefined;

  /**
   * `release` is handed each export's bytes once nothing reads them any more: the export is over (retries included)
   * and every request that sent them has handed its body to the system or is gone (one the collector answered early
   * may still be writing it).
   */
  constructor(settings: OtlpHttpSettings, signals: ExportSignals, release?: (data: Uint8Array) => void) {
    this.#settings = settings;
    this.#signals = signals;
    this.#url = new URL(settings.url);
    this.#release = release;
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const reading: Readers = { open: 0, done: false };
    try {
      return await this.#send(data, timeoutMillis, reading);
    } finally {
      reading.done = true;
      if (reading.open === 0) this.#release?.(data);
    }
  }

  async #send(data: Uint8Array, timeoutMillis: number, reading: Readers): Promise<ExportResponse> {
    const deadline = Date.now() + timeoutMillis;
    let backoff = INITIAL_BACKOFF_MS;
    for (;;) {
      const response = await this.#attempt(data, deadline - Date.now(), timeoutMillis, reading);
      if (response.status !== 'retryable' || this.#signals.closing.aborted) return response;
      const wait = response.retryInMillis ?? backoff * (1 + (Math.random() * 2 - 1) * JITTER);
      backoff = Math.min(backoff * BACKOFF_MULTIPLIER, MAX_BACKOFF_MS);
      if (Date.now() + wait >= deadline) return response;
      try {
        await sleep(wait, undefined, { ref: false, signal: this.#signals.closing });
      } catch {
        return response;
      }
    }
  }

  shutdown(): void {
    // Requests still open are destroyed through `abandoned`; idle keep-alive sockets are unref'd by the agent.
  }

  /**
   * One request, given what is left of the export's time; `configuredMillis` is the whole timeout the user set, the
   * figure a timeout message names (what is left is a few ms less after gzip or a retry, and would not match the
   * user's setting).
   */
  async #attempt(
    data: Uint8Array,
    timeoutMillis: number,
    configuredMillis: number,
    reading: Readers,
  ): Promise<ExportResponse> {
    if (this.#signals.abandoned.aborted) return { status: 'failure', error: abandonedFailure() };
    const url = this.#url;
    const settings = this.#settings;
    this.#agent ??= Promise.resolve(settings.agentFactory(url.protocol));
    const agent = await this.#agent;
    const headers: Record<string, string> = { ...(await settings.headers()) };
    headers['User-Agent'] = settings.userAgent ? `${settings.userAgent} ${USER_AGENT}` : USER_AGENT;
    let body: Uint8Array = data;
    if (settings.compression === 'gzip') {
      body = await gzipAsync(data);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = String(body.byteLength);

    return new Promise<ExportResponse>((resolve) => {
      const https = url.protocol === 'https:';
      let phase: RequestPhase = 'connecting';
      let settled = false;
      const request = (https ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent });
      // Node reads the body until it has handed all of it to the system ('finish') or the request is gone ('close').
      reading.open++;
      let read = false;
      const doneReading = (): void => {
        if (read) return;
        read = true;
        reading.open--;
        if (reading.open === 0 && reading.done) this.#release?.(data);
      };
      request.once('finish', doneReading);
      request.once('close', doneReading);
      const settle = (response: ExportResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#signals.abandoned.removeEventListener('abort', onAbandoned);
        resolve(response);
      };
      const fail = (error: ExportError): void => {
        settle(
          RETRYABLE_KINDS.has(error.kind) ? { status: 'retryable', error } : { status: 'failure', error },
        );
        request.destroy();
      };
      const onAbandoned = (): void => fail(abandonedFailure());
      const timer = setTimeout(() => fail(timeoutFailure(configuredMillis, phase, url)), timeoutMillis);
      timer.unref();
      this.#signals.abandoned.addEventListener('abort', onAbandoned, { once: true });

      request.on('socket', (socket: Socket) => {
        // The agent refs a socket it hands out again; an export must never be what keeps the app running.
        socket.unref();
        if (!socket.connecting) {
          phase = 'waiting-for-answer';
          return;
        }
        socket.once('connect', () => {
          phase = https ? 'tls-handshake' : 'waiting-for-answer';
        });
        if (https) {
          socket.once('secureConnect', () => {
            phase = 'waiting-for-answer';
          });
        }
      });
      request.on('error', (error: NodeJS.ErrnoException) => fail(networkFailure(error, url)));
      request.on('response', (answer: IncomingMessage) => {
        phase = 'reading-answer';
        const chunks: Buffer[] = [];
        let size = 0;
        answer.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            fail(new ExportError('network', `the collector's answer exceeded ${MAX_ANSWER_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        answer.on('error', (error: NodeJS.ErrnoException) => fail(networkFailure(error, url)));
        answer.on('end', () => settle(toResponse(answer, Buffer.concat(chunks), url)));
      });
      request.end(body);
    });
  }
}

/** The requests of one export still open (reading its bytes), and whether the export is over. */
interface Readers {
  open: number;
  done: boolean;
}

function toResponse(answer: IncomingMessage, body: Buffer, url: URL): ExportResponse {
  const status = answer.statusCode ?? 0;
  if (status >= 200 && status < 300) return { status: 'success', data: body };
  const error = statusFailure(status, answer.statusMessage ?? '', body.toString('utf8'), url);
  if (!RETRYABLE_STATUS.has(status)) return { status: 'failure', error };
  const retryInMillis = retryAfterMillis(answer.headers['retry-after']);
  return retryInMillis === undefined
    ? { status: 'retryable', error }
    : { status: 'retryable', error, retryInMillis };
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMillis(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
