import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isCredentialHeader, type Redactor } from '@aiotel/genai-core';
import type { Attributes } from '@opentelemetry/api';
import { noticeUserAgent } from './unpatched-sdk.js';

/** Semconv attribute: the ordinal of an HTTP resend (1 for the first retry), absent on the first attempt. */
export const ATTR_HTTP_REQUEST_RESEND_COUNT = 'http.request.resend_count';
/** Semconv attribute: the request's `User-Agent` (the last one when it is sent twice). */
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';

/** Header the openai SDK (Stainless) sends on every attempt: 0 on the first, n on the n-th retry. */
const RETRY_COUNT_HEADER = 'x-stainless-retry-count';

/** The part of undici's request object that the request headers are read from. */
export interface RequestHeaders {
  /** undici's two shapes: a flat `[name, value, …]` array (v6+) or `name: value\r\n` text (v5). */
  headers?: unknown;
}

/** undici's channel for each request it creates (what the HTTP client spans start on as well). */
export const REQUEST_CREATED = 'undici:request:create';

/**
 * Without HTTP spans the redactor still learns the credentials each request sends (an app may record them in its own
 * spans or errors): one diagnostics-channel subscription that reads the request headers and starts no span.
 * Returns the unsubscribe.
 */
export function learnCredentials(redactor: Redactor): () => void {
  const onRequest = (message: unknown): void => {
    const request = (message as { request?: RequestHeaders } | null)?.request;
    if (request) inspectRequest(request, redactor);
  };
  subscribe(REQUEST_CREATED, onRequest);
  return () => {
    unsubscribe(REQUEST_CREATED, onRequest);
  };
}

/**
 * Reads an outgoing request's headers once: harvests credentials, notices the user agent, and sets the span
 * attributes they imply (`user_agent.original`, `http.request.resend_count`) on `attributes`, which it returns.
 */
export function inspectRequest(
  request: RequestHeaders,
  redactor: Redactor,
  attributes: Attributes = {},
): Attributes {
  const headers = request.headers;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name: unknown = headers[i];
      if (typeof name !== 'string') continue;
      const kind = kindOf(name);
      if (kind === OTHER) continue;
      const value: unknown = headers[i + 1];
      if (Array.isArray(value)) {
        for (const item of value) if (typeof item === 'string') visitHeader(kind, item, attributes, redactor);
      } else if (typeof value === 'string') visitHeader(kind, value, attributes, redactor);
    }
  } else if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) {
        const kind = kindOf(line.slice(0, colon).trim());
        if (kind !== OTHER) visitHeader(kind, line.slice(colon + 1).trim(), attributes, redactor);
      }
    }
  }
  return attributes;
}

/** What a header is to us, by name: most are {@link OTHER}. */
const OTHER = 0;
const RETRY_COUNT = 1;
const USER_AGENT = 2;
const CREDENTIAL = 3;
type HeaderKind = typeof OTHER | typeof RETRY_COUNT | typeof USER_AGENT | typeof CREDENTIAL;

/**
 * Header names as sent, classified once: a client sends the same few names on every request, so the lower-casing
 * and the credential check run once per name, not per request. Bounded, in case names are made up per request.
 */
const HEADER_KINDS = new Map<string, HeaderKind>();
const MAX_HEADER_NAMES = 512;

function kindOf(name: string): HeaderKind {
  let kind = HEADER_KINDS.get(name);
  if (kind === undefined) {
    const lower = name.toLowerCase();
    kind =
      lower === RETRY_COUNT_HEADER
        ? RETRY_COUNT
        : lower === 'user-agent'
          ? USER_AGENT
          : isCredentialHeader(lower)
            ? CREDENTIAL
            : OTHER;
    if (HEADER_KINDS.size >= MAX_HEADER_NAMES) HEADER_KINDS.clear();
    HEADER_KINDS.set(name, kind);
  }
  return kind;
}

/**
 * One header we care about: the retry count and the user agent become attributes (the last one sent wins), a
 * credential is remembered, the user agent also tells whether an uninstrumented openai SDK is at work.
 */
function visitHeader(kind: HeaderKind, value: string, attributes: Attributes, redactor: Redactor): void {
  if (kind === RETRY_COUNT) {
    const count = Number(value);
    if (Number.isInteger(count) && count > 0) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = count;
  } else if (kind === USER_AGENT) {
    if (value) attributes[ATTR_USER_AGENT_ORIGINAL] = value;
    noticeUserAgent(value);
  } else {
    redactor.addSecretFromHeader(value);
  }
}
