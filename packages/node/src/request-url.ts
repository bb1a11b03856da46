import type { Attributes } from '@opentelemetry/api';

/** Semconv attributes of the request's URL and server. */
export const ATTR_URL_FULL = 'url.full';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_QUERY = 'url.query';
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';

/** What every request to one origin shares: its server attributes, and its metric attribute sets. */
export interface Origin {
  readonly scheme: string;
  readonly address: string;
  readonly port: number | undefined;
  /** The origin is what `new URL` serializes it to, so `origin + path` is the URL when the path is plain. */
  readonly canonical: boolean;
  /** Frozen metric attribute sets of this origin, by the request's method, status, error and protocol. */
  readonly metricAttributes: Map<string, Attributes>;
  /** The set its last request was measured with. */
  lastMetricAttributes: Attributes | undefined;
}

/** Origins an app talks to are few; more (a crawler) only clear the cache now and then. */
const MAX_ORIGINS = 256;

/**
 * A path `new URL(path, origin)` leaves as it is: absolute (`/`, not `//`), only characters no part of a URL
 * percent-encodes, no `#`, no `\`.
 */
const PLAIN_PATH = /^\/(?!\/)[\w\-.~!$&()*+,;=:@%/?]*$/;
/** A dot segment (`/.`, `/..`, `/%2e`) that `new URL` would resolve, in the path before any `?`. */
const DOT_SEGMENT = /\/(?:\.|%2e)/i;

/**
 * Sets `url.full`, `url.path`, `url.query`, `url.scheme`, `server.address` and `server.port` on `attributes`
 * for undici's request `origin` and `path`, with exactly the values of `new URL(path, origin)` (what
 * instrumentation-undici records), and returns the origin; `undefined` when they make no URL. The URL is parsed
 * only when the path is not plain or the origin is new.
 */
export function setUrlAttributes(
  attributes: Attributes,
  origin: unknown,
  path: unknown,
  origins: Map<string, Origin>,
): Origin | undefined {
  if (typeof origin === 'string' && typeof path === 'string' && PLAIN_PATH.test(path)) {
    const known = origins.get(origin) ?? remember(origins, origin, parse(origin, undefined));
    const query = path.indexOf('?');
    const pathOnly = query < 0 ? path : path.slice(0, query);
    if (known?.canonical && !DOT_SEGMENT.test(pathOnly)) {
      attributes[ATTR_URL_FULL] = origin + path;
      attributes[ATTR_URL_PATH] = pathOnly;
      // `new URL` gives an empty `search` for a bare `?`.
      attributes[ATTR_URL_QUERY] = query < 0 || query === path.length - 1 ? '' : path.slice(query);
      return setServer(attributes, known);
    }
  }
  const url = parse(path, origin);
  if (!url) return undefined;
  attributes[ATTR_URL_FULL] = url.toString();
  attributes[ATTR_URL_PATH] = url.pathname;
  attributes[ATTR_URL_QUERY] = url.search;
  // An origin that is not http(s) serializes as `null`: not a key.
  const known = url.origin === 'null' ? undefined : origins.get(url.origin);
  return setServer(attributes, known ?? remember(origins, url.origin, url));
}

function setServer(attributes: Attributes, origin: Origin): Origin {
  attributes[ATTR_URL_SCHEME] = origin.scheme;
  attributes[ATTR_SERVER_ADDRESS] = origin.address;
  if (origin.port !== undefined) attributes[ATTR_SERVER_PORT] = origin.port;
  return origin;
}

function parse(url: unknown, base: unknown): URL | undefined {
  try {
    return new URL(url as string, base as string | undefined);
  } catch {
    return undefined;
  }
}

function remember(origins: Map<string, Origin>, key: string, url: URL): Origin;
function remember(origins: Map<string, Origin>, key: string, url: URL | undefined): Origin | undefined;
function remember(origins: Map<string, Origin>, key: string, url: URL | undefined): Origin | undefined {
  if (!url) return undefined;
  const scheme = url.protocol.replace(':', '');
  const port = url.port || (scheme === 'https' ? '443' : scheme === 'http' ? '80' : '');
  const origin: Origin = {
    scheme,
    address: url.hostname,
    port: port && !Number.isNaN(Number(port)) ? Number(port) : undefined,
    canonical: url.origin === key,
    metricAttributes: new Map(),
    lastMetricAttributes: undefined,
  };
  if (key === 'null') return origin;
  if (origins.size >= MAX_ORIGINS) origins.clear();
  origins.set(key, origin);
  return origin;
}
