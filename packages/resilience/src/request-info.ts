import { AsyncLocalStorage } from 'node:async_hooks';
import type { Attributes } from '@opentelemetry/api';

/** The kind of API a request goes to, as far as stream truncation detection is concerned. */
export type ApiKind = 'chat' | 'responses' | 'messages' | 'other';

/** What the policies need to know of one request, read once from its URL and JSON body. */
export interface RequestInfo {
  readonly url: string;
  /** `protocol://host[:port]` for pricing. */
  readonly origin: string;
  /** `host[:port]`. */
  readonly server: string;
  /** `server.address` (the host) and `server.port`, as the GenAI metrics carry them; frozen, shared per URL. */
  readonly serverAttributes: Attributes;
  /** `model` of the JSON body. */
  readonly model: string | undefined;
  /** `stream: true` in the JSON body. */
  readonly stream: boolean;
  readonly api: ApiKind;
  /** The parsed JSON body, for a fallback (which rewrites its model); parsed only when one is configured. */
  readonly json: Record<string, unknown> | undefined;
}

/**
 * The parameters of the API call being made (`chat.completions.create(params)` …), set by the resilient client's
 * methods around the SDK call, so that its fetch can read `model` and `stream` from them instead of parsing the
 * JSON body the SDK just serialized: a 50 KB prompt costs about 36 µs to parse again, on every call.
 */
export const callParams = new AsyncLocalStorage<unknown>();

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** What the policies take from a URL. */
interface UrlParts {
  readonly origin: string;
  readonly server: string;
  readonly serverAttributes: Attributes;
  readonly api: ApiKind;
}

const NO_SERVER: Attributes = Object.freeze({});

/** A client calls a handful of URLs over and over: parse each once (bounded, so odd URLs cannot grow it). */
const urlParts = new Map<string, UrlParts>();
const MAX_REMEMBERED_URLS = 256;

function partsOf(url: string): UrlParts {
  let parts = urlParts.get(url);
  if (parts !== undefined) return parts;
  let origin = '';
  let server = '';
  let path = '';
  let serverAttributes = NO_SERVER;
  try {
    const parsed = new URL(url);
    origin = parsed.origin;
    server = parsed.host;
    path = parsed.pathname;
    serverAttributes = Object.freeze({
      // IPv6 hosts come bracketed (`[::1]`); the attribute is the bare address, as on the GenAI metrics.
      'server.address': parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      'server.port': parsed.port ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443,
    });
  } catch {
    // A relative or odd URL: no server-based key; the policies still apply.
  }
  const api: ApiKind = path.endsWith('/chat/completions')
    ? 'chat'
    : path.endsWith('/responses')
      ? 'responses'
      : path.endsWith('/messages')
        ? 'messages'
        : 'other';
  parts = { origin, server, serverAttributes, api };
  if (urlParts.size < MAX_REMEMBERED_URLS) urlParts.set(url, parts);
  return parts;
}

/**
 * Reads the request. Never throws: an unparseable body just has no model.
 * @param params the API call's parameters, when known: `model` and `stream` are taken from them.
 * @param needJson parse the body even so (a fallback rewrites it).
 */
export function requestInfo(
  input: string | URL | Request,
  body: unknown,
  params: unknown = undefined,
  needJson = false,
): RequestInfo {
  const url = urlOf(input);
  const { origin, server, serverAttributes, api } = partsOf(url);
  const known = knownParams(params, body);
  const json = known === undefined || needJson ? parseBody(body) : undefined;
  const from = known ?? json;
  const model = typeof from?.model === 'string' ? from.model : undefined;
  return { url, origin, server, serverAttributes, model, stream: from?.stream === true, api, json };
}

/** The call's params, if they can stand for this request's JSON body (same `model` and `stream`). */
function knownParams(params: unknown, body: unknown): Record<string, unknown> | undefined {
  if (typeof params !== 'object' || params === null || typeof body !== 'string') return undefined;
  const record = params as Record<string, unknown>;
  return typeof record.model === 'string' ? record : undefined;
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'string' || body.charCodeAt(0) !== 0x7b /* { */) return undefined;
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
