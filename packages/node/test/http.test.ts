import { REDACTED, Redactor } from '@aiotel/genai-core';
import { describe, expect, it } from 'vitest';
import { ATTR_HTTP_REQUEST_RESEND_COUNT, inspectRequest } from '../src/http.js';

describe('inspectRequest', () => {
  it('sets http.request.resend_count from x-stainless-retry-count on retries only', () => {
    const redactor = new Redactor();
    expect(inspectRequest({ headers: ['x-stainless-retry-count', '2'] }, redactor)).toEqual({
      [ATTR_HTTP_REQUEST_RESEND_COUNT]: 2,
    });
    expect(inspectRequest({ headers: ['X-Stainless-Retry-Count', '0'] }, redactor)).toEqual({});
    expect(inspectRequest({ headers: 'x-stainless-retry-count: 1\r\nhost: h\r\n' }, redactor)).toEqual({
      [ATTR_HTTP_REQUEST_RESEND_COUNT]: 1,
    });
    expect(inspectRequest({ headers: ['x-stainless-retry-count', 'many'] }, redactor)).toEqual({});
  });

  it('remembers credentials from Authorization, api-key and x-api-key headers for redaction', () => {
    const redactor = new Redactor();
    inspectRequest(
      { headers: ['authorization', 'Bearer first-credential-1', 'api-key', 'second-credential-2'] },
      redactor,
    );
    inspectRequest({ headers: 'x-api-key: third-credential-3\r\n' }, redactor);
    expect(redactor.redactString('first-credential-1 second-credential-2 third-credential-3')).toBe(
      `${REDACTED} ${REDACTED} ${REDACTED}`,
    );
  });

  it('remembers a credential header sent with upper-case letters, on every request that carries it', () => {
    const redactor = new Redactor();
    for (let i = 0; i < 2; i++) {
      inspectRequest(
        { headers: ['Authorization', 'Bearer Upper-Case-Credential', 'X-Goog-Api-Key', 'goog-cred-123'] },
        redactor,
      );
    }
    expect(redactor.redactString('Upper-Case-Credential goog-cred-123')).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('does not treat idempotency keys as credentials', () => {
    const redactor = new Redactor();
    inspectRequest({ headers: ['idempotency-key', 'stainless-node-retry-1234'] }, redactor);
    expect(redactor.redactString('stainless-node-retry-1234')).toBe('stainless-node-retry-1234');
  });
});
