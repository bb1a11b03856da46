/** `Response` as a base class whose `headers` a subclass may answer with a getter (undici-types declares a property). */
const ResponseBase = Response as unknown as new (
  body: ConstructorParameters<typeof Response>[0],
  init: ResponseInit,
) => Omit<Response, 'headers' | 'clone'>;

/**
 * A response over another body that answers `headers` with the given `Headers` object itself. Passing the headers
 * to `new Response()` copies them one by one, validated and sorted (about 2 µs for a provider's dozen headers, per
 * call); only `content-type` is copied into the response itself, for `blob()` and `formData()`.
 */
class RebuiltResponse extends ResponseBase {
  readonly #headers: Headers;

  constructor(body: ConstructorParameters<typeof Response>[0], response: Response, headers: Headers) {
    const type = headers.get('content-type');
    super(body, {
      status: response.status,
      statusText: response.statusText,
      headers: type === null ? undefined : { 'content-type': type },
    });
    this.#headers = headers;
  }

  get headers(): Headers {
    return this.#headers;
  }

  /** A clone answers with the same headers (`Response.clone()` would carry only the copied `content-type`). */
  clone(): Response {
    const copy = Response.prototype.clone.call(this as unknown as Response);
    return rebuild(copy, copy.body, this.#headers);
  }
}

/** The same response with another body (and headers); the status and headers the SDK reads are kept. */
export function rebuild(
  response: Response,
  body: ConstructorParameters<typeof Response>[0],
  headers: Headers = response.headers,
): Response {
  return new RebuiltResponse(body, response, headers) as unknown as Response;
}
