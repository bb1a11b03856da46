import { AttemptFailure } from './attempt-failure.js';
import { isCircuitOpenError, isRetryAfterTooLongError } from './errors.js';

/**
 * Why the next fallback model should be tried after this outcome of the current one, or `undefined` when the
 * error is the caller's to see (a bad request stays a bad request on any model).
 */
export function fallbackReason(err: unknown): string | undefined {
  if (isCircuitOpenError(err)) return 'circuit_open';
  if (isRetryAfterTooLongError(err)) return 'rate_limited';
  if (err instanceof AttemptFailure && err.classification.overloaded) {
    return err.classification.reason === '429' ? 'rate_limited' : 'overloaded';
  }
  return undefined;
}

/** The JSON request body with another model. */
export function withModel(json: Record<string, unknown>, model: string): string {
  return JSON.stringify({ ...json, model });
}
