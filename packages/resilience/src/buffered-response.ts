/** Decodes whole bodies as `Response.text()` does (UTF-8, BOM stripped, bad bytes replaced); stateless. */
const UTF8 = new TextDecoder();

/**
 * A response whose body the attempt already read in full: the fetched response's status, headers, URL and type, the
 * bytes served from memory. The SDK only calls `json()` or `text()`, which are answered from the bytes. Anything else
 * (`body`, `arrayBuffer()`, `clone()`, …) goes to a real `Response` over the same bytes, made on first use, so it
 * behaves as one. It is not built by `Response`'s constructor (about 3 µs per call: init conversion, a `Headers`, the
 * body state); it inherits from `Response.prototype` (so `instanceof Response` holds) and answers every member of it
 * itself, since undici's own accessors would refuse an object their constructor did not make.
 */
class BufferedResponse {
  /** The body, until `json()` or `text()` took it. */
  #bytes: Uint8Array | undefined;
  /** The real response every other body member goes to; made on first use. */
  #real: Response | undefined;
  /** The fetched response (its body read): status, headers (not a copy, which costs about 2 µs), URL, type. */
  readonly #fetched: Response;

  constructor(bytes: Uint8Array, fetched: Response) {
    this.#bytes = bytes;
    this.#fetched = fetched;
  }

  get type(): Response['type'] {
    return this.#fetched.type;
  }

  get url(): string {
    return this.#fetched.url;
  }

  get redirected(): boolean {
    return this.#fetched.redirected;
  }

  get status(): number {
    return this.#fetched.status;
  }

  get ok(): boolean {
    return this.#fetched.ok;
  }

  get statusText(): string {
    return this.#fetched.statusText;
  }

  get headers(): Headers {
    return this.#fetched.headers;
  }

  /** The real response: over the bytes, or over an already read body once `json()` / `text()` took them. */
  #response(): Response {
    if (this.#real === undefined) {
      const bytes = this.#bytes;
      const { status, statusText, headers } = this.#fetched;
      this.#real = new Response(bytes ?? new Uint8Array(0), { status, statusText, headers });
      // Read once already: the real one must say so (`bodyUsed`, and a second read fails as `Response`'s does).
      if (bytes === undefined) this.#real.arrayBuffer().catch(() => undefined);
    }
    return this.#real;
  }

  /** The bytes for `json()` / `text()`, taken once; `undefined` when the real response must answer. */
  #take(): Uint8Array | undefined {
    const bytes = this.#bytes;
    if (bytes === undefined || this.#real !== undefined) return undefined;
    this.#bytes = undefined;
    return bytes;
  }

  text(): Promise<string> {
    const bytes = this.#take();
    return bytes === undefined ? this.#response().text() : Promise.resolve(UTF8.decode(bytes));
  }

  json(): Promise<unknown> {
    const bytes = this.#take();
    if (bytes === undefined) return this.#response().json();
    try {
      return Promise.resolve(JSON.parse(UTF8.decode(bytes)));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#response().body;
  }

  get bodyUsed(): boolean {
    return this.#real === undefined ? this.#bytes === undefined : this.#real.bodyUsed;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#response().arrayBuffer();
  }

  blob(): Promise<Blob> {
    return this.#response().blob();
  }

  bytes(): Promise<Uint8Array> {
    return this.#response().bytes();
  }

  formData(): Promise<FormData> {
    return this.#response().formData();
  }

  clone(): Response {
    return this.#response().clone();
  }

  /** `console.log(response)` shows what the real one would (undici's own would refuse this object). */
  [Symbol.for('nodejs.util.inspect.custom')](
    depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    const { status, statusText, headers, body, bodyUsed, ok, redirected, type, url } = this;
    const shown = { status, statusText, headers, body, bodyUsed, ok, redirected, type, url };
    return `Response ${inspect(shown, { ...options, depth })}`;
  }
}
Object.setPrototypeOf(BufferedResponse.prototype, Response.prototype);

/** The response with its body read in full into `bytes` (a `Response`: `instanceof Response` holds). */
export function bufferedResponse(bytes: Uint8Array, response: Response): Response {
  return new BufferedResponse(bytes, response) as unknown as Response;
}
