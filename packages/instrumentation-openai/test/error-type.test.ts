import { describe, expect, it } from 'vitest';
import { errorType } from '../src/errors.js';

class APIError extends Error {
  constructor(
    readonly status?: number,
    readonly type?: string,
    readonly code?: string,
  ) {
    super('x');
  }
}
class RateLimitError extends APIError {}
class APIConnectionError extends APIError {}
class CircuitOpenError extends Error {}
class SomethingCustomError extends Error {}

describe('errorType', () => {
  it('is the HTTP status for API errors with a status', () => {
    expect(errorType(new RateLimitError(429))).toBe('429');
    expect(errorType(new APIError(503))).toBe('503');
  });

  it('is the provider error type for a status-less API error (an error event in a stream)', () => {
    expect(errorType(new APIError(undefined, 'server_error'))).toBe('server_error');
    expect(errorType(new APIError(undefined, 'Free Text With Spaces'))).toBe('APIError');
  });

  it('is the provider code of a Responses error event, whose type is the event type "error"', () => {
    expect(errorType(new APIError(undefined, 'error', 'server_error'))).toBe('server_error');
    expect(errorType(new APIError(undefined, 'error', undefined))).toBe('APIError');
  });

  it('is the resilience error class that caused a connection error', () => {
    const err = new APIConnectionError();
    Object.assign(err, { cause: new CircuitOpenError() });
    expect(errorType(err)).toBe('CircuitOpenError');
    Object.assign(err, { cause: new TypeError('fetch failed') });
    expect(errorType(err)).toBe('APIConnectionError');
  });

  it('is APIConnectionError for a connection lost mid-stream (undici TypeError: terminated)', () => {
    const err = new TypeError('terminated', { cause: { code: 'UND_ERR_SOCKET' } });
    expect(errorType(err)).toBe('APIConnectionError');
  });

  it('is _OTHER for unknown classes and non-errors, keeping cardinality bounded', () => {
    expect(errorType(new SomethingCustomError())).toBe('_OTHER');
    expect(errorType(new Error('x'))).toBe('_OTHER');
    expect(errorType('a string')).toBe('_OTHER');
    expect(errorType(undefined)).toBe('_OTHER');
  });
});
