import { describe, expect, it } from 'vitest';
import { classifyResponse, errorBody, isQuotaExhausted } from '../src/classify.js';
import { backoffDelayMs } from '../src/policies/retry.js';
import { retryAfterMs } from '../src/retry-after.js';
import { usageFromTail } from '../src/usage.js';

const h = (init: Record<string, string> = {}) => new Headers(init);

describe('retryAfterMs', () => {
  it('reads retry-after-ms first', () => {
    expect(retryAfterMs(h({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
  });
  it('reads retry-after in seconds', () => {
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
  });
  it('reads retry-after as an HTTP date', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(retryAfterMs(h({ 'retry-after': 'Wed, 21 Oct 2026 07:28:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(h({ 'retry-after': 'Wed, 21 Oct 2026 07:27:00 GMT' }), now)).toBe(0);
  });
  it('ignores missing and unreadable values', () => {
    expect(retryAfterMs(h())).toBeUndefined();
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(h({ 'retry-after-ms': 'x' }))).toBeUndefined();
  });
});

describe('classifyResponse', () => {
  it.each([400, 401, 403, 404, 422])('does not retry %i', (status) => {
    expect(classifyResponse(status, h(), undefined, false)).toMatchObject({
      retryable: false,
      providerFault: false,
    });
  });
  it.each([408, 409, 429, 500, 502, 503, 504, 529])('retries %i', (status) => {
    expect(classifyResponse(status, h(), undefined, false).retryable).toBe(true);
  });
  it('counts 5xx and 529 as provider faults, 429 only when asked', () => {
    expect(classifyResponse(500, h(), undefined, false).providerFault).toBe(true);
    expect(classifyResponse(529, h(), undefined, false).providerFault).toBe(true);
    expect(classifyResponse(429, h(), undefined, false).providerFault).toBe(false);
    expect(classifyResponse(429, h(), undefined, true).providerFault).toBe(true);
  });
  it('obeys x-should-retry both ways', () => {
    expect(classifyResponse(500, h({ 'x-should-retry': 'false' }), undefined, false).retryable).toBe(false);
    expect(classifyResponse(400, h({ 'x-should-retry': 'true' }), undefined, false).retryable).toBe(true);
  });
  it('does not retry a 429 that means exhausted quota or a spend limit', () => {
    const quota = errorBody(
      '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota"}}',
    );
    expect(classifyResponse(429, h(), quota, false)).toMatchObject({ retryable: false, overloaded: false });
    expect(isQuotaExhausted({ message: 'Monthly spend limit reached' })).toBe(true);
    expect(isQuotaExhausted({ code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-4o' })).toBe(
      false,
    );
  });
});

describe('backoffDelayMs', () => {
  const options = { maxRetries: 5, initialDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 0 };
  it('doubles per retry, with jitter between half and all of it', () => {
    expect(backoffDelayMs(1, options, () => 0)).toBe(50);
    expect(backoffDelayMs(1, options, () => 1)).toBe(100);
    expect(backoffDelayMs(3, options, () => 1)).toBe(400);
  });
  it('is capped by maxDelayMs', () => {
    expect(backoffDelayMs(10, options, () => 1)).toBe(1000);
  });
});

describe('usageFromTail', () => {
  it('finds the usage of a chat completion', () => {
    const body =
      '{"id":"x","choices":[{"message":{"content":"\\"usage\\": {}"}}],"usage":{"prompt_tokens":3,"completion_tokens":2}}';
    expect(usageFromTail(body)).toEqual({ prompt_tokens: 3, completion_tokens: 2 });
  });
  it('takes the last usage object of a stream, skipping nulls', () => {
    const sse =
      'data: {"usage":null}\n\ndata: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":4,"completion_tokens_details":{"reasoning_tokens":0}}}\n\ndata: [DONE]\n\n';
    expect(usageFromTail(sse)).toEqual({
      prompt_tokens: 1,
      completion_tokens: 4,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
  it('returns undefined without usage or with a cut one', () => {
    expect(usageFromTail('{"id":"x"}')).toBeUndefined();
    expect(usageFromTail('{"usage":{"prompt_tokens":1')).toBeUndefined();
  });
});
