/**
 * A fault to inject into one request, parsed from the `x-fake-fault` header or drawn from the server-wide rates.
 * Several parts combine, e.g. `slow-headers=200; cut-after=5`.
 */
export interface Fault {
  /** Answer with this HTTP status and the matching error body instead of a result. */
  readonly status?: number;
  /** Value of the `retry-after` header: seconds, or an HTTP date. */
  readonly retryAfter?: string;
  /** Value of the `retry-after-ms` header. */
  readonly retryAfterMs?: number;
  /** Error body variant: `insufficient_quota` gives OpenAI's quota body with a 429. */
  readonly type?: string;
  /** Value of the `x-should-retry` header, which overrides the SDK's own retry decision. */
  readonly shouldRetry?: boolean;
  /** Destroy the socket before any response. */
  readonly reset?: boolean;
  /** Never respond (the socket stays open until the client gives up or the server closes). */
  readonly hang?: boolean;
  /** Wait this long before sending the response headers. */
  readonly slowHeadersMs?: number;
  /** Streams: destroy the socket after this many SSE events. */
  readonly cutAfter?: number;
  /** Streams: send an SSE error event after this many events, then end the stream. */
  readonly sseErrorAfter?: number;
  /** Answer 200 with a body that is not valid JSON (for streams: an event that is not valid JSON). */
  readonly malformed?: boolean;
  /** Streams: stop sending after this many events but keep the socket open. */
  readonly stallAfter?: number;
}

/** The outcome of parsing an `x-fake-fault` header. */
export type FaultParseResult = { readonly fault: Fault } | { readonly error: string };

function parseCount(key: string, value: string | undefined): number | string {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < 0) {
    return `x-fake-fault: "${key}" needs a non-negative integer, got "${value ?? ''}"`;
  }
  return n;
}

/**
 * Parse the `x-fake-fault` grammar: `;`-separated `key=value` pairs or bare words.
 * Keys: `status`, `retry-after`, `retry-after-ms`, `type`, `x-should-retry`, `slow-headers`, `cut-after`,
 * `sse-error-after`, `stall-after`; bare words: `reset`, `hang`, `malformed`, or a bare status such as `429`.
 */
export function parseFault(header: string): FaultParseResult {
  const fault: { -readonly [K in keyof Fault]: Fault[K] } = {};
  for (const rawPart of header.split(';')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq === -1 ? undefined : part.slice(eq + 1).trim();
    if (eq === -1 && /^\d{3}$/.test(key)) {
      fault.status = Number(key);
      continue;
    }
    switch (key) {
      case 'status': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 400 || n > 599) {
          return {
            error: `x-fake-fault: "status" must be an HTTP error status 400-599, got "${value ?? ''}"`,
          };
        }
        fault.status = n;
        break;
      }
      case 'retry-after':
        if (!value) return { error: 'x-fake-fault: "retry-after" needs seconds or an HTTP date' };
        fault.retryAfter = value;
        break;
      case 'retry-after-ms': {
        const n = parseCount(key, value);
        if (typeof n === 'string') return { error: n };
        fault.retryAfterMs = n;
        break;
      }
      case 'type':
        if (!value) return { error: 'x-fake-fault: "type" needs a value, e.g. insufficient_quota' };
        fault.type = value;
        break;
      case 'x-should-retry':
      case 'should-retry':
        if (value !== 'true' && value !== 'false') {
          return { error: `x-fake-fault: "${key}" must be true or false, got "${value ?? ''}"` };
        }
        fault.shouldRetry = value === 'true';
        break;
      case 'reset':
        fault.reset = true;
        break;
      case 'hang':
        fault.hang = true;
        break;
      case 'malformed':
        fault.malformed = true;
        break;
      case 'slow-headers':
      case 'cut-after':
      case 'sse-error-after':
      case 'stall-after': {
        const n = parseCount(key, value);
        if (typeof n === 'string') return { error: n };
        if (key === 'slow-headers') fault.slowHeadersMs = n;
        else if (key === 'cut-after') fault.cutAfter = n;
        else if (key === 'sse-error-after') fault.sseErrorAfter = n;
        else fault.stallAfter = n;
        break;
      }
      default:
        return { error: `x-fake-fault: unknown part "${part}"` };
    }
  }
  return { fault };
}
