/** The kind of API a request goes to, as far as stream truncation detection is concerned. */
export type ApiKind = 'chat' | 'responses' | 'other';

/** What the policies need to know of one request, read once from its URL and JSON body. */
export interface RequestInfo {
  readonly url: string;
  /** `protocol://host[:port]` for pricing. */
  readonly origin: string;
  /** `host[:port]`. */
  readonly server: string;
  /** `model` of the JSON body. */
  readonly model: string | undefined;
  /** `stream: true` in the JSON body. */
  readonly stream: boolean;
  readonly api: ApiKind;
  /** The parsed JSON body (kept for a fallback, which rewrites its model). */
  readonly json: Record<string, unknown> | undefined;
}

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** What the policies take from a URL. */
interface UrlParts {
  readonly origin: string;
  readonly server: string;
  readonly api: ApiKind;
}

/** A client calls a handful of URLs over and over: parse each once (bounded, so odd URLs cannot grow it). */
const urlParts = new Map<string, UrlParts>();
const MAX_REMEMBERED_URLS = 256;

function partsOf(url: string): UrlParts {
  let parts = urlParts.get(url);
  if (parts !== undefined) return parts;
  let origin = '';
  let server = '';
  let path = '';
  try {
    const parsed = new URL(url);
    origin = parsed.origin;
    server = parsed.host;
    path = parsed.pathname;
  } catch {
    // A relative or odd URL: no server-based key; the policies still apply.
  }
  const api: ApiKind = path.endsWith('/chat/completions')
    ? 'chat'
    : path.endsWith('/responses')
      ? 'responses'
      : 'other';
  parts = { origin, server, api };
  if (urlParts.size < MAX_REMEMBERED_URLS) urlParts.set(url, parts);
  return parts;
}

/** Reads the request. Never throws: an unparseable body just has no model. */
export function requestInfo(input: string | URL | Request, body: unknown): RequestInfo {
  const url = urlOf(input);
  const { origin, server, api } = partsOf(url);
  let json: Record<string, unknown> | undefined;
  if (typeof body === 'string' && body.charCodeAt(0) === 0x7b /* { */) {
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
  }
  const model = typeof json?.model === 'string' ? json.model : undefined;
  return { url, origin, server, model, stream: json?.stream === true, api, json };
}
