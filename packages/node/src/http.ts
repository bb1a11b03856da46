import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isCredentialHeader, type Redactor } from '@aiotel/genai-core';
import type { Attributes } from '@opentelemetry/api';
import { UndiciInstrumentation, type UndiciRequest } from '@opentelemetry/instrumentation-undici';
import { noticeUserAgent } from './unpatched-sdk.js';

/** Semconv attribute: the ordinal of an HTTP resend (1 for the first retry), absent on the first attempt. */
export const ATTR_HTTP_REQUEST_RESEND_COUNT = 'http.request.resend_count';

/** Header the openai SDK (Stainless) sends on every attempt: 0 on the first, n on the n-th retry. */
const RETRY_COUNT_HEADER = 'x-stainless-retry-count';

/**
 * HTTP client spans for `fetch` (undici, via diagnostics_channel), one per attempt, as children of the GenAI span.
 *
 * - `http.request.resend_count`: instrumentation-undici 0.34 does not set it, so it is read from the
 *   `x-stainless-retry-count` header the openai SDK sends (set only when > 0, as the convention says).
 * - No request or response header is captured as an attribute; credential headers (`Authorization`, `api-key`,
 *   `x-api-key`, …) are instead remembered by the redactor so their values are scrubbed wherever they show up.
 */
export function createHttpInstrumentation(redactor: Redactor): UndiciInstrumentation {
  return new UndiciInstrumentation({
    startSpanHook: (request) => inspectRequest(request, redactor),
  });
}

/** undici's channel for each request it creates (what the undici instrumentation listens to as well). */
const REQUEST_CREATED = 'undici:request:create';

/**
 * Without HTTP spans the redactor still learns the credentials each request sends (an app may record them in its own
 * spans or errors): one diagnostics-channel subscription that reads the request headers and starts no span.
 * Returns the unsubscribe.
 */
export function learnCredentials(redactor: Redactor): () => void {
  const onRequest = (message: unknown): void => {
    const request = (message as { request?: Pick<UndiciRequest, 'headers'> } | null)?.request;
    if (request) inspectRequest(request, redactor);
  };
  subscribe(REQUEST_CREATED, onRequest);
  return () => {
    unsubscribe(REQUEST_CREATED, onRequest);
  };
}

/** Reads an outgoing request's headers once: harvests credentials, returns the span attributes they imply. */
export function inspectRequest(request: Pick<UndiciRequest, 'headers'>, redactor: Redactor): Attributes {
  const attributes: Attributes = {};
  const headers = request.headers;
  // undici's two shapes: a flat `[name, value, …]` array (v6+) or `name: value\r\n` text (v5).
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i];
      const value = headers[i + 1];
      if (typeof name !== 'string') continue;
      const lower = name.toLowerCase();
      if (Array.isArray(value)) for (const item of value) visitHeader(lower, item, attributes, redactor);
      else if (typeof value === 'string') visitHeader(lower, value, attributes, redactor);
    }
  } else if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) {
        const name = line.slice(0, colon).trim().toLowerCase();
        visitHeader(name, line.slice(colon + 1).trim(), attributes, redactor);
      }
    }
  }
  return attributes;
}

/**
 * One header (lower-case name): the retry count becomes an attribute, a credential is remembered, the user agent
 * tells whether an uninstrumented openai SDK is at work.
 */
function visitHeader(name: string, value: string, attributes: Attributes, redactor: Redactor): void {
  if (name === RETRY_COUNT_HEADER) {
    const count = Number(value);
    if (Number.isInteger(count) && count > 0) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = count;
  } else if (name === 'user-agent') {
    noticeUserAgent(value);
  } else if (isCredentialHeader(name)) {
    redactor.addSecretFromHeader(value);
  }
}
