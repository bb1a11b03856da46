/** What happened to a request. */
export type RequestOutcome =
  | 'ok'
  | 'error'
  | 'reset'
  | 'hang'
  | 'cut'
  | 'stalled'
  | 'sse_error'
  | 'malformed'
  | 'client_closed'
  | 'pending';

/** One request as the server saw it. Never holds the API key: only whether `authorization` was present. */
export interface RequestLogEntry {
  /** 1-based order of arrival since start or reset. */
  readonly seq: number;
  /** The `x-request-id` the server answered with. */
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** The requested model, when the body had one. */
  model: string | undefined;
  stream: boolean;
  /** HTTP status sent, undefined when none was (reset, hang). */
  status: number | undefined;
  outcome: RequestOutcome;
  /** The `x-fake-fault` header, or the drawn fault such as `status=429`. */
  fault: string | undefined;
  readonly scenario: string | undefined;
  /** The SDK's `x-stainless-retry-count` header (0 on the first attempt). */
  readonly retryCount: number | undefined;
  readonly hasAuthorization: boolean;
  readonly userAgent: string | undefined;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** Epoch milliseconds when the response ended or the connection closed. */
  endedAt: number | undefined;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
}

/** A bounded log: the newest `limit` entries, kept in a ring so soak runs do not grow memory. */
export class RequestLog {
  private readonly ring: (RequestLogEntry | undefined)[];
  private next = 0;
  private size = 0;

  constructor(private readonly limit: number) {
    this.ring = new Array(limit);
  }

  add(entry: RequestLogEntry): void {
    if (this.limit === 0) return;
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.limit;
    if (this.size < this.limit) this.size++;
  }

  /** Copies of the entries, oldest first. */
  entries(): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    const start = (this.next - this.size + this.limit) % this.limit;
    for (let i = 0; i < this.size; i++) {
      const entry = this.ring[(start + i) % this.limit];
      if (entry) out.push({ ...entry });
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
  }
}
