import type { Attributes } from '@opentelemetry/api';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from './semconv.js';

/** `server.address` and `server.port` of a client's base URL, parsed once per URL. */
export interface ServerAttributes {
  readonly baseUrl: string | undefined;
  readonly attributes: Attributes;
}

const MAX_CACHED = 256;
const cache = new Map<string, ServerAttributes>();
const NONE: ServerAttributes = Object.freeze({ baseUrl: undefined, attributes: Object.freeze({}) });

/** Reads the server attributes of a base URL such as `https://api.openai.com/v1`. */
export function serverAttributes(baseUrl: unknown): ServerAttributes {
  if (typeof baseUrl !== 'string' || baseUrl === '') return NONE;
  let found = cache.get(baseUrl);
  if (found === undefined) {
    found = parse(baseUrl);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(baseUrl, found);
  }
  return found;
}

function parse(baseUrl: string): ServerAttributes {
  try {
    const url = new URL(baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    return {
      baseUrl,
      attributes: Object.freeze({
        // IPv6 hosts come bracketed (`[::1]`); the attribute is the bare address.
        [ATTR_SERVER_ADDRESS]: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        [ATTR_SERVER_PORT]: port,
      }),
    };
  } catch {
    return { baseUrl, attributes: Object.freeze({}) };
  }
}
