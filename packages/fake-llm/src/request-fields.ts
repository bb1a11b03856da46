import type { Dialect } from './dialects.js';
import { invalidParameterBody, missingParameterBody } from './errors.js';
import type { PromptCache } from './prompt-cache.js';
import { errorReply, type JsonReply } from './reply.js';

/** What every endpoint gets besides the request body. */
export interface EndpointContext {
  /** The prompt cache, or undefined when the server runs with `promptCache: false`. */
  readonly promptCache: PromptCache | undefined;
  /** Exact answer length asked for with the `x-fake-tokens` header. */
  readonly requestedTokens: number | undefined;
  /** Unix seconds for `created` fields. */
  readonly nowSeconds: number;
  /** How Chat Completions answers are worded (the server's, or the request's `x-fake-dialect`). */
  readonly dialect: Dialect;
}

/** A request body as a plain object. */
export type RequestBody = Record<string, unknown>;

/** The required string `model`, or a 400 reply. */
export function requireModel(body: RequestBody): string | JsonReply {
  if (body.model === undefined || body.model === null || body.model === '') {
    return errorReply(400, missingParameterBody('model'));
  }
  if (typeof body.model !== 'string') {
    return errorReply(400, invalidParameterBody('model', "Invalid type for 'model': expected a string."));
  }
  return body.model;
}

/** An optional integer parameter within [min, max], or a 400 reply. */
export function optionalInteger(
  body: RequestBody,
  name: string,
  min: number,
  max: number,
): number | undefined | JsonReply {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return errorReply(
      400,
      invalidParameterBody(
        name,
        `Invalid '${name}': expected an integer between ${min} and ${max}, got ${JSON.stringify(value)}.`,
      ),
    );
  }
  return value;
}

/** Narrow a field result to an error reply. */
export function isReply(value: unknown): value is JsonReply {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'json';
}

/** `system_fingerprint` for a model: stable per model, like the real API's `fp_…` values. */
export function systemFingerprint(hash: number): string {
  return `fp_${(hash >>> 0).toString(16).padStart(8, '0').slice(0, 8)}ab`;
}
