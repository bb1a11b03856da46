import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './faults.js';
import { apiHeaders, JSON_TYPE, SSE_TYPE } from './headers.js';
import type { Latency } from './latency.js';
import type { JsonReply, StreamReply } from './reply.js';
import type { RequestLogEntry } from './request-log.js';

/** One request being answered: where to write, its fault and latency, and a signal that fires when it closes. */
export interface Exchange {
  readonly res: ServerResponse;
  readonly entry: RequestLogEntry;
  readonly fault: Fault;
  /** A drawn `cutRate` fault: cut the stream half-way. */
  readonly cutHalfway: boolean;
  readonly latency: Latency;
  readonly signal: AbortSignal;
  /** `x-ratelimit-*` headers of enforced limits, replacing the static ones. */
  readonly rateLimitHeaders?: Readonly<Record<string, string>>;
  /** The API's own headers when it is not OpenAI's (the Messages API's `request-id`, `anthropic-ratelimit-*`). */
  readonly headersFor?: typeof apiHeaders;
}

/** Wait, unless the exchange closes first; resolves false when it did. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function faultHeaders(fault: Fault): Record<string, string> {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  if (fault.shouldRetry !== undefined) headers['x-should-retry'] = String(fault.shouldRetry);
  return headers;
}

/** Send a JSON answer after the model's latency (time to first token plus the generated tokens). */
export async function sendJson(exchange: Exchange, reply: JsonReply): Promise<void> {
  const { res, entry, fault, latency, signal } = exchange;
  const processingMs =
    (fault.slowHeadersMs ?? 0) +
    (reply.status === 200 ? latency.ttftMs + reply.generatedTokens * latency.tokenMs : 0);
  if (!(await pause(processingMs, signal))) return;
  const headers: Record<string, string> = {
    ...(exchange.headersFor ?? apiHeaders)(entry.requestId, processingMs, JSON_TYPE, reply.promptTokens ?? 0),
    ...reply.headers,
    ...faultHeaders(fault),
    ...exchange.rateLimitHeaders,
  };
  if (reply.status === 429 && !exchange.rateLimitHeaders && !exchange.headersFor) {
    // A rate-limited answer says the window is used up, as the real one does.
    headers['x-ratelimit-remaining-requests'] = '0';
  }
  entry.status = reply.status;
  entry.promptTokens = reply.promptTokens;
  entry.completionTokens = reply.completionTokens;
  let body = reply.body;
  if (fault.malformed && reply.status === 200) {
    entry.outcome = 'malformed';
    body = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
  } else if (reply.status >= 400) {
    entry.outcome = 'error';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(reply.status, headers);
  res.end(body);
}

function write(res: ServerResponse, frames: readonly string[], from: number, to: number): void {
  if (to <= from || res.destroyed) return;
  res.write(to - from === 1 ? (frames[from] as string) : frames.slice(from, to).join(''));
}

/**
 * Send a stream: headers and the first token after the time to first token, then one frame per token time, then the
 * closing frames at once. Stream faults (`cut-after`, `stall-after`, `sse-error-after`, `malformed`) stop it early.
 */
export async function sendStream(exchange: Exchange, reply: StreamReply): Promise<void> {
  const { res, entry, fault, latency, signal } = exchange;
  const { frames } = reply;
  const waitMs = (fault.slowHeadersMs ?? 0) + latency.ttftMs;
  if (!(await pause(waitMs, signal))) return;
  entry.status = 200;
  entry.promptTokens = reply.promptTokens;
  entry.completionTokens = reply.completionTokens;
  res.writeHead(200, {
    ...(exchange.headersFor ?? apiHeaders)(entry.requestId, waitMs, SSE_TYPE, reply.promptTokens),
    ...faultHeaders(fault),
    ...exchange.rateLimitHeaders,
  });
  if (fault.malformed) {
    entry.outcome = 'malformed';
    res.end(reply.malformedFrame);
    return;
  }

  const cutAfter = exchange.cutHalfway ? Math.floor(frames.length / 2) : fault.cutAfter;
  const stopAt = Math.min(
    frames.length,
    cutAfter ?? Infinity,
    fault.stallAfter ?? Infinity,
    fault.sseErrorAfter ?? Infinity,
  );
  // Frames up to the first token go out together; token frames are paced; the closing frames go out together.
  let sent = Math.min(stopAt, reply.firstTokenFrame + 1);
  write(res, frames, 0, sent);
  if (latency.tokenMs > 0) {
    const pacedEnd = Math.min(stopAt, reply.lastTokenFrame + 1);
    while (sent < pacedEnd) {
      if (!(await pause(latency.tokenMs, signal))) return;
      write(res, frames, sent, sent + 1);
      sent++;
    }
  }
  write(res, frames, sent, stopAt);

  if (stopAt === frames.length) {
    res.end();
  } else if (cutAfter !== undefined && stopAt === cutAfter) {
    entry.outcome = 'cut';
    // Let the frames already written reach the client, then break the connection without ending the body.
    res.write('', () => res.socket?.destroy());
  } else if (fault.sseErrorAfter !== undefined && stopAt === fault.sseErrorAfter) {
    entry.outcome = 'sse_error';
    res.end(reply.errorFrame(stopAt));
  } else {
    entry.outcome = 'stalled';
  }
}
