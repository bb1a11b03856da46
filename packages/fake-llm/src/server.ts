import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatCompletions } from './chat.js';
import { embeddings } from './embeddings.js';
import {
  errorBodyForStatus,
  INSUFFICIENT_QUOTA_BODY,
  INVALID_JSON_BODY,
  invalidApiKeyBody,
  invalidUrlBody,
  OVERLOADED_BODY,
} from './errors.js';
import { type Fault, parseFault } from './faults.js';
import { type Latency, NO_LATENCY, parseLatency } from './latency.js';
import { LISTED_MODELS, MODEL_CREATED } from './models.js';
import { DEFAULT_LATENCY, type FakeLlmOptions, type FaultRates } from './options.js';
import { type Random, randomHexId, seededRandom } from './prng.js';
import { PromptCache } from './prompt-cache.js';
import { errorReply, type JsonReply, type Reply } from './reply.js';
import type { EndpointContext, RequestBody } from './request-fields.js';
import { RequestLog, type RequestLogEntry, type RequestOutcome } from './request-log.js';
import { responses } from './responses.js';
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
  readonly requests: readonly RequestLogEntry[];
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

/** The server-wide fault draw. */
function drawFault(
  rates: FaultRates,
  random: Random,
  stream: boolean,
): { fault: Fault; label: string; cutHalfway: boolean } | undefined {
  const r = random();
  let edge = 0;
  const retryAfter = String(rates.retryAfterSeconds ?? 1);
  const table: [
    number | undefined,
    () => { fault: Fault; label: string; cutHalfway: boolean } | undefined,
  ][] = [
    [
      rates.rate429,
      () => ({
        fault: { status: 429, retryAfter },
        label: `status=429; retry-after=${retryAfter}`,
        cutHalfway: false,
      }),
    ],
    [rates.rate500, () => ({ fault: { status: 500 }, label: 'status=500', cutHalfway: false })],
    [rates.rate503, () => ({ fault: { status: 503 }, label: 'status=503', cutHalfway: false })],
    [rates.rate529, () => ({ fault: { status: 529 }, label: 'status=529', cutHalfway: false })],
    [rates.resetRate, () => ({ fault: { reset: true }, label: 'reset', cutHalfway: false })],
    [rates.cutRate, () => (stream ? { fault: {}, label: 'cut-halfway', cutHalfway: true } : undefined)],
  ];
  for (const [rate, make] of table) {
    edge += rate ?? 0;
    if (r < edge) return make();
  }
  return undefined;
}

function statusFaultReply(fault: Fault & { status: number }, model: string | undefined): JsonReply {
  if (fault.status === 529) return errorReply(529, OVERLOADED_BODY);
  if (fault.status === 429 && fault.type === 'insufficient_quota')
    return errorReply(429, INSUFFICIENT_QUOTA_BODY);
  return errorReply(fault.status, errorBodyForStatus(fault.status, model));
}

/**
 * Start an OpenAI-compatible fake server. Resolves once it listens.
 * @example const fake = await startFakeLlm({ latency: false }); new OpenAI({ baseURL: fake.url, apiKey: 'test' })
 */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const host = options.host ?? '127.0.0.1';
  const baseLatency: Latency =
    options.latency === false ? NO_LATENCY : { ...DEFAULT_LATENCY, ...options.latency };
  const rates = options.faults;
  const log = new RequestLog(Math.max(0, options.logLimit ?? 10_000));
  const promptCache = options.promptCache === false ? undefined : new PromptCache();
  const scenarios = new Map<string, number>();
  let faultRandom = seededRandom(rates?.seed ?? 1);
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
    scenarios.clear();
    promptCache?.clear();
    faultRandom = seededRandom(rates?.seed ?? 1);
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
    let fault: Fault = {};
    let cutHalfway = false;
    const faultHeader = header(req, 'x-fake-fault');
    const scenario = entry.scenario;
    let faultError: string | undefined;
    if (faultHeader !== undefined && faultHeader.trim() !== '') {
      let applies = true;
      if (scenario !== undefined) {
        const timesHeader = header(req, 'x-fake-fault-times') ?? '1';
        const times = Number(timesHeader);
        if (!Number.isInteger(times) || times < 0) {
          faultError = `x-fake-fault-times must be a non-negative integer, got "${timesHeader}"`;
        } else {
          const count = (scenarios.get(scenario) ?? 0) + 1;
          scenarios.set(scenario, count);
          applies = count <= times;
        }
      }
      if (applies && faultError === undefined) {
        const parsed = parseFault(faultHeader);
        if ('error' in parsed) faultError = parsed.error;
        else {
          fault = parsed.fault;
          entry.fault = faultHeader;
        }
      }
    }

    if (fault.reset) {
      entry.outcome = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault.hang) {
      entry.outcome = 'hang';
      req.resume();
      return;
    }

    const raw = await readBody(req);
    let body: RequestBody | undefined;
    let bodyError: JsonReply | undefined;
    if (method === 'POST') {
      try {
        const parsed: unknown = raw === BAD_BODY ? undefined : JSON.parse(raw);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
          body = parsed as RequestBody;
        else bodyError = errorReply(400, INVALID_JSON_BODY);
      } catch {
        bodyError = errorReply(400, INVALID_JSON_BODY);
      }
    }
    if (body) {
      if (typeof body.model === 'string') entry.model = body.model;
      entry.stream = body.stream === true;
    }

    if (faultError === undefined && rates && entry.fault === undefined) {
      const drawn = drawFault(rates, faultRandom, entry.stream);
      if (drawn) {
        fault = drawn.fault;
        cutHalfway = drawn.cutHalfway;
        entry.fault = drawn.label;
        if (fault.reset) {
          entry.outcome = 'reset';
          req.socket.destroy();
          return;
        }
      }
    }

    let latency = baseLatency;
    const latencyHeader = header(req, 'x-fake-latency');
    if (latencyHeader !== undefined) {
      const parsed = parseLatency(latencyHeader, baseLatency);
      if (parsed) latency = parsed;
      else
        faultError ??= `x-fake-latency: cannot read "${latencyHeader}"; expected e.g. "ttft=50; per-token=5" or "off"`;
    }
    let requestedTokens: number | undefined;
    const tokensHeader = header(req, 'x-fake-tokens');
    if (tokensHeader !== undefined) {
      const n = Number(tokensHeader);
      if (Number.isInteger(n) && n >= 0 && n <= MAX_REQUESTED_TOKENS) requestedTokens = n;
      else
        faultError ??= `x-fake-tokens must be an integer from 0 to ${MAX_REQUESTED_TOKENS}, got "${tokensHeader}"`;
    }

    const exchange: Exchange = { res, entry, fault, cutHalfway, latency, signal };
    if (faultError !== undefined) return sendJson(exchange, fakeHeaderError(faultError));
    if (fault.status !== undefined) {
      return sendJson(exchange, statusFaultReply(fault as Fault & { status: number }, entry.model));
    }
    if (options.apiKey !== undefined) {
      const authorization = header(req, 'authorization');
      const key = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
      if (key !== options.apiKey) return sendJson(exchange, errorReply(401, invalidApiKeyBody(key)));
    }

    const context: EndpointContext = {
      promptCache,
      requestedTokens,
      nowSeconds: Math.floor(Date.now() / 1000),
    };
    let reply: Reply;
    if (
      method === 'POST' &&
      (path === '/v1/chat/completions' || path === '/v1/responses' || path === '/v1/embeddings')
    ) {
      if (bodyError || !body) reply = bodyError ?? errorReply(400, INVALID_JSON_BODY);
      else if (path === '/v1/chat/completions') reply = chatCompletions(body, context);
      else if (path === '/v1/responses') reply = responses(body, context);
      else reply = embeddings(body, context);
    } else if (method === 'GET' && path === '/v1/models') {
      reply = {
        kind: 'json',
        status: 200,
        body: JSON.stringify({
          object: 'list',
          data: LISTED_MODELS.map((id) => ({
            id,
            object: 'model',
            created: MODEL_CREATED,
            owned_by: 'system',
          })),
        }),
        generatedTokens: 0,
      };
    } else if (method === 'GET' && path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      reply = LISTED_MODELS.includes(id)
        ? {
            kind: 'json',
            status: 200,
            body: JSON.stringify({ id, object: 'model', created: MODEL_CREATED, owned_by: 'system' }),
            generatedTokens: 0,
          }
        : errorReply(404, errorBodyForStatus(404, id));
    } else {
      reply = errorReply(404, invalidUrlBody(method, path));
    }
    // Models and errors come back at once; only generating endpoints wait for the model.
    if (reply.kind === 'stream') return sendStream(exchange, reply);
    const generating = path !== '/v1/models' && !path.startsWith('/v1/models/') && reply.status === 200;
    return sendJson(generating ? exchange : { ...exchange, latency: NO_LATENCY }, reply);
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
