/** Decodes whole bodies as `Response.text()` does (UTF-8, BOM stripped, bad bytes replaced); stateless. */
const UTF8 = new TextDecoder();

/**
 * `Response` as a base class: undici-types declares its body members as properties, which a subclass may not
 * with methods; at run time they are methods of `Response.prototype`.
 */
const ResponseBase = Response as unknown as new (
  body: null,
  init: ResponseInit,
) => Pick<Response, 'status' | 'statusText'>;

/**
 * A response whose body the attempt already read in full: the same status and headers, the bytes served from
 * memory. `new Response(bytes)` builds a byte stream the SDK then reads back (about 9 µs per call); the SDK only
 * calls `json()` or `text()`, which are answered from the bytes. Anything else (`body`, `arrayBuffer()`, `clone()`,
 * …) goes to a real `Response` over the same bytes, made on first use, so it behaves as one.
 */
class BufferedResponse extends ResponseBase {
  /** The body, until `json()` or `text()` took it. */
  #bytes: Uint8Array | undefined;
  /** The real response every other body member goes to; made on first use. */
  #real: Response | undefined;
  /** The fetched response's headers, not a copy (copying them costs about 2 µs per call). */
  readonly #headers: Headers;

  constructor(bytes: Uint8Array, response: Response) {
    super(null, { status: response.status, statusText: response.statusText });
    this.#bytes = bytes;
    this.#headers = response.headers;
  }

  get headers(): Headers {
    return this.#headers;
  }

  /** The real response: over the bytes, or over an already read body once `json()` / `text()` took them. */
  #response(): Response {
    if (this.#real === undefined) {
      const bytes = this.#bytes;
      const { status, statusText, headers } = this;
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
}

/** The response with its body read in full into `bytes` (a `Response`: `instanceof Response` holds). */
export function bufferedResponse(bytes: Uint8Array, response: Response): Response {
  return new BufferedResponse(bytes, response) as unknown as Response;
}
