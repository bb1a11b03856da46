import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DIALECT_NAMES, type Dialect, dialectNamed } from './dialects.js';
import {
  errorBodyForStatus,
  INSUFFICIENT_QUOTA_BODY,
  invalidApiKeyBody,
  invalidUrlBody,
  OVERLOADED_BODY,
  rateLimitedBody,
} from './errors.js';
import { type ChosenFault, FaultSelector } from './fault-selection.js';
import type { Fault } from './faults.js';
import { type Latency, NO_LATENCY, parseLatency } from './latency.js';
import { DEFAULT_LATENCY, type FakeLlmOptions } from './options.js';
import { randomHexId } from './prng.js';
import { PromptCache } from './prompt-cache.js';
import { formatReset, RateLimiter } from './rate-limits.js';
import { errorReply, type JsonReply } from './reply.js';
import type { EndpointContext, RequestBody } from './request-fields.js';
import { RequestLog, type RequestLogEntry, type RequestOutcome } from './request-log.js';
import { route } from './routes.js';
import { type Exchange, sendJson, sendStream } from './send.js';

/** Counters and the request log, from `stats()` or `GET /fake/stats`. */
export interface FakeLlmStats {
  /** Requests to the API paths since start or the last reset (`/fake/*` not counted). */
  readonly totalRequests: number;
  /** Requests being answered right now (a stream counts until its body ends). */
  readonly inFlight: number;
  /** The most requests in flight at once since start or the last reset. */
  readonly maxInFlight: number;
  /** Requests by outcome (`ok`, `error`, `reset`, `hang`, `cut`, `stalled`, `sse_error`, `malformed`, `client_closed`). */
  readonly outcomes: Readonly<Partial<Record<RequestOutcome, number>>>;
  /** The newest requests, oldest first (bounded by `logLimit`). */
  readonly requests: readonly Readonly<RequestLogEntry>[];
}

/** A running fake server. */
export interface FakeLlm {
  /** Base URL ending in `/v1`, for `new OpenAI({ baseURL: fake.url, apiKey: 'test' })`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Stop listening and end every open connection, hanging and streaming ones included. */
  close(): Promise<void>;
  /** A snapshot of the counters and the request log. */
  stats(): FakeLlmStats;
  /** Clear the log, counters, scenarios and prompt cache, and restart the fault draws from their seed. */
  reset(): void;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Longest answer `x-fake-tokens` may ask for (per choice), so no request can make the server build gigabytes. */
const MAX_REQUESTED_TOKENS = 100_000;
const BAD_BODY = Symbol('bad body');

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string | typeof BAD_BODY> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(BAD_BODY);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(BAD_BODY));
  });
}

/** A 400 that explains a bad `x-fake-*` header (an error of the test setup, not an injected fault). */
function fakeHeaderError(message: string): JsonReply {
  return errorReply(400, {
    error: { message, type: 'fake_llm_error', param: null, code: 'invalid_fake_header' },
  });
}

function statusFaultReply(status: number, fault: Fault, model: string | undefined): JsonReply {
  if (status === 529) return errorReply(529, OVERLOADED_BODY);
  if (status === 429 && fault.type === 'insufficient_quota') return errorReply(429, INSUFFICIENT_QUOTA_BODY);
  return errorReply(status, errorBodyForStatus(status, model));
}

function parseBody(raw: string | typeof BAD_BODY): RequestBody | undefined {
  if (raw === BAD_BODY) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as RequestBody)
      : undefined;
  } catch {
    return undefined;
  }
}

function unknownDialect(name: unknown): never {
  throw new TypeError(
    `startFakeLlm: unknown dialect "${String(name)}"; expected one of ${DIALECT_NAMES.join(', ')}`,
  );
}

/**
 * Start an OpenAI-compatible fake server. Resolves once it listens.
 * @example const fake = await startFakeLlm({ latency: false }); new OpenAI({ baseURL: fake.url, apiKey: 'test' })
 */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const host = options.host ?? '127.0.0.1';
  const baseLatency: Latency =
    options.latency === false ? NO_LATENCY : { ...DEFAULT_LATENCY, ...options.latency };
  const faults = new FaultSelector(options.faults);
  const log = new RequestLog(Math.max(0, options.logLimit ?? 10_000));
  const promptCache = options.promptCache === false ? undefined : new PromptCache();
  const limiter = options.rateLimits ? new RateLimiter(options.rateLimits) : undefined;
  const serverDialect: Dialect = dialectNamed(options.dialect ?? 'openai') ?? unknownDialect(options.dialect);
  let totalRequests = 0;
  let seq = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let outcomes: Partial<Record<RequestOutcome, number>> = {};

  const stats = (): FakeLlmStats => ({
    totalRequests,
    inFlight,
    maxInFlight,
    outcomes: { ...outcomes },
    requests: log.entries(),
  });
  const reset = (): void => {
    log.clear();
    faults.reset();
    promptCache?.clear();
    limiter?.clear();
    totalRequests = 0;
    seq = 0;
    maxInFlight = inFlight;
    outcomes = {};
  };

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    entry: RequestLogEntry,
    signal: AbortSignal,
  ) {
    const method = req.method ?? 'GET';
    // Faults come first: they stand for the network and the provider, whatever the request says.
    let problem: string | undefined;
    let chosen: ChosenFault | undefined;
    const asked = faults.fromHeaders(
      header(req, 'x-fake-fault'),
      entry.scenario,
      header(req, 'x-fake-fault-times'),
    );
    if (asked && 'error' in asked) problem = asked.error;
    else chosen = asked;
    if (chosen?.fault.reset || chosen?.fault.hang) {
      entry.fault = chosen.label;
      entry.outcome = chosen.fault.reset ? 'reset' : 'hang';
      if (chosen.fault.reset) req.socket.destroy();
      else req.resume();
      return;
    }

    const raw = await readBody(req);
    const body = method === 'POST' ? parseBody(raw) : undefined;
    if (body) {
      if (typeof body.model === 'string') entry.model = body.model;
      entry.stream = body.stream === true;
    }
    if (problem === undefined && chosen === undefined) {
      chosen = faults.draw(entry.stream);
      if (chosen?.fault.reset) {
        entry.fault = chosen.label;
        entry.outcome = 'reset';
        req.socket.destroy();
        return;
      }
    }
    entry.fault = chosen?.label;

    let latency = baseLatency;
    const latencyHeader = header(req, 'x-fake-latency');
    if (latencyHeader !== undefined) {
      const parsed = parseLatency(latencyHeader, baseLatency);
      if (parsed) latency = parsed;
      else
        problem ??= `x-fake-latency: cannot read "${latencyHeader}"; expected e.g. "ttft=50; per-token=5" or "off"`;
    }
    let requestedTokens: number | undefined;
    const tokensHeader = header(req, 'x-fake-tokens');
    if (tokensHeader !== undefined) {
      const n = Number(tokensHeader);
      if (Number.isInteger(n) && n >= 0 && n <= MAX_REQUESTED_TOKENS) requestedTokens = n;
      else
        problem ??= `x-fake-tokens must be an integer from 0 to ${MAX_REQUESTED_TOKENS}, got "${tokensHeader}"`;
    }

    let dialect: Dialect = serverDialect;
    const dialectHeader = header(req, 'x-fake-dialect');
    if (dialectHeader !== undefined) {
      const named = dialectNamed(dialectHeader.trim());
      if (named) dialect = named;
      else
        problem ??= `x-fake-dialect: unknown dialect "${dialectHeader}"; expected one of ${DIALECT_NAMES.join(', ')}`;
    }

    const fault = chosen?.fault ?? {};
    const exchange: Exchange = {
      res,
      entry,
      fault,
      cutHalfway: chosen?.cutHalfway ?? false,
      latency,
      signal,
    };
    if (problem !== undefined) return sendJson(exchange, fakeHeaderError(problem));
    if (fault.status !== undefined)
      return sendJson(exchange, statusFaultReply(fault.status, fault, entry.model));
    if (options.apiKey !== undefined) {
      const authorization = header(req, 'authorization');
      const key = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
      if (key !== options.apiKey) return sendJson(exchange, errorReply(401, invalidApiKeyBody(key)));
    }

    const limitedModel =
      limiter && path.startsWith('/v1/') && typeof body?.model === 'string' ? body.model : undefined;
    if (limiter && limitedModel !== undefined) {
      const refusal = limiter.admit(limitedModel);
      if (refusal) {
        entry.fault = `rate-limit=${refusal.kind}`;
        const rateLimitHeaders = {
          ...refusal.headers,
          'retry-after': String(Math.ceil(refusal.retryAfterMs / 1000)),
          'retry-after-ms': String(refusal.retryAfterMs),
        };
        const retryIn = formatReset(refusal.retryAfterMs);
        const reply = errorReply(429, rateLimitedBody(limitedModel, refusal.kind, refusal.limit, retryIn));
        return sendJson({ ...exchange, rateLimitHeaders }, reply);
      }
    }

    const context: EndpointContext = {
      promptCache,
      requestedTokens,
      nowSeconds: Math.floor(Date.now() / 1000),
      dialect,
    };
    const { reply, generating } = route(method, path, body, context);
    const answered =
      limiter && limitedModel !== undefined
        ? {
            ...exchange,
            rateLimitHeaders: limiter.charge(
              limitedModel,
              (reply.promptTokens ?? 0) + (reply.completionTokens ?? 0),
            ),
          }
        : exchange;
    if (reply.kind === 'stream') return sendStream(answered, reply);
    return sendJson(generating ? answered : { ...answered, latency: NO_LATENCY }, reply);
  }

  function control(req: IncomingMessage, res: ServerResponse, path: string): void {
    req.resume();
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'GET' && path === '/fake/stats') {
      send(200, stats());
    } else if (req.method === 'POST' && path === '/fake/reset') {
      reset();
      send(200, { reset: true });
    } else {
      send(404, invalidUrlBody(req.method ?? 'GET', path));
    }
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path.startsWith('/fake/')) {
      control(req, res, path);
      return;
    }
    const retryHeader = header(req, 'x-stainless-retry-count');
    const entry: RequestLogEntry = {
      seq: ++seq,
      requestId: randomHexId('req_', 32),
      method: req.method ?? 'GET',
      path,
      model: undefined,
      stream: false,
      status: undefined,
      outcome: 'pending',
      fault: undefined,
      scenario: header(req, 'x-fake-scenario'),
      retryCount:
        retryHeader === undefined || Number.isNaN(Number(retryHeader)) ? undefined : Number(retryHeader),
      hasAuthorization: req.headers.authorization !== undefined,
      userAgent: header(req, 'user-agent'),
      startedAt: Date.now(),
      endedAt: undefined,
      promptTokens: undefined,
      completionTokens: undefined,
    };
    log.add(entry);
    totalRequests++;
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    const closed = new AbortController();
    res.on('close', () => {
      inFlight--;
      entry.endedAt = Date.now();
      if (entry.outcome === 'pending') entry.outcome = res.writableFinished ? 'ok' : 'client_closed';
      outcomes[entry.outcome] = (outcomes[entry.outcome] ?? 0) + 1;
      closed.abort();
    });
    answer(req, res, path, entry, closed.signal).catch(() => {
      // Never crash on any input: whatever went wrong becomes a 500 if the answer has not started.
      if (!res.headersSent && !res.destroyed) {
        entry.status = 500;
        entry.outcome = 'error';
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(errorBodyForStatus(500)));
      } else {
        res.destroy();
      }
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    host,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    stats,
    reset,
  };
}
