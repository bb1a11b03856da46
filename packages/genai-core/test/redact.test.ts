import { describe, expect, it } from 'vitest';
import { isCredentialHeader, REDACTED, Redactor } from '../src/redact.js';
import {
  expectScrubbed,
  OPAQUE_KEY,
  OPAQUE_KEY_TEXT,
  SECRET_HEADER_ATTRIBUTES,
  SECRET_TEXTS,
} from './secrets-corpus.js';

describe('the secrets corpus', () => {
  it.each(SECRET_TEXTS.map((entry) => [entry.what, entry] as const))('scrubs %s', (_what, entry) => {
    expectScrubbed(new Redactor().redactString(entry.text), entry);
  });

  it('scrubs the whole value of authorization, api-key, x-api-key and x-goog-api-key header attributes', () => {
    const out = new Redactor().redactAttributes(SECRET_HEADER_ATTRIBUTES);
    for (const [key, value] of Object.entries(SECRET_HEADER_ATTRIBUTES)) {
      expect(out[key], key).toEqual(Array.isArray(value) ? [REDACTED] : REDACTED);
    }
  });

  it.each([
    ['authorization', `Bearer ${OPAQUE_KEY}`],
    ['api-key', OPAQUE_KEY],
    ['x-api-key', OPAQUE_KEY],
  ])('learns a key of no known shape from the %s request header', (header, value) => {
    const redactor = new Redactor();
    expect(isCredentialHeader(header)).toBe(true);
    redactor.addSecretFromHeader(value);
    expectScrubbed(redactor.redactString(OPAQUE_KEY_TEXT.text), OPAQUE_KEY_TEXT);
  });

  it('learns a key of no known shape from a credential environment variable', () => {
    const redactor = new Redactor({ env: { ANTHROPIC_API_KEY: OPAQUE_KEY } });
    expectScrubbed(redactor.redactString(OPAQUE_KEY_TEXT.text), OPAQUE_KEY_TEXT);
  });

  it('does not take idempotency keys for credentials', () => {
    expect(isCredentialHeader('idempotency-key')).toBe(false);
    expect(isCredentialHeader('x-stainless-retry-count')).toBe(false);
  });

  it('leaves short sk- words and prose alone', () => {
    const text = 'sk-learn and task-based sk-short keys; Basic understanding of Token management.';
    expect(new Redactor().redactString(text)).toBe(text);
  });
});

const KEY = 'sk-test-0123456789abcdefghijKLMN';

describe('Redactor.redactString', () => {
  const redactor = new Redactor();

  it('redacts key-like query parameter values in full URLs and leaves the others', () => {
    expect(
      redactor.redactString('https://api.example.com/v1/chat?api_key=SECRET123&model=gpt-4o&token=abc'),
    ).toBe(`https://api.example.com/v1/chat?api_key=${REDACTED}&model=gpt-4o&token=${REDACTED}`);
  });

  it('redacts the built-in names case-insensitively, and names containing key/token/secret', () => {
    const url =
      'http://h/p?KEY=1&Signature=2&sig=3&code=4&password=5&access_token=6&subscription-key=7&x-auth-token=8&keep=9';
    expect(redactor.redactString(url)).toBe(
      `http://h/p?KEY=${REDACTED}&Signature=${REDACTED}&sig=${REDACTED}&code=${REDACTED}&password=${REDACTED}` +
        `&access_token=${REDACTED}&subscription-key=${REDACTED}&x-auth-token=${REDACTED}&keep=9`,
    );
  });

  it('redacts a bare query string as url.query carries it', () => {
    expect(redactor.redactString('?apikey=abc&q=1')).toBe(`?apikey=${REDACTED}&q=1`);
    expect(redactor.redactString('secret=abc')).toBe(`secret=${REDACTED}`);
  });

  it('redacts user:password in URLs', () => {
    expect(redactor.redactString('https://user:pa55@proxy.example/v1')).toBe(
      `https://${REDACTED}:${REDACTED}@proxy.example/v1`,
    );
  });

  it('redacts bearer tokens and key-shaped strings inside messages', () => {
    expect(redactor.redactString('401: header was Bearer abcdefgh12345678')).toBe(
      `401: header was Bearer ${REDACTED}`,
    );
    expect(redactor.redactString(`Incorrect API key provided: ${KEY}.`)).toBe(
      `Incorrect API key provided: ${REDACTED}.`,
    );
  });

  it('leaves prose that merely starts with Bearer, Basic or Token alone', () => {
    const text = 'Basic understanding of Token management matters.';
    expect(redactor.redactString(text)).toBe(text);
  });

  it('redacts a remembered secret wherever it appears, whatever its shape', () => {
    const own = new Redactor();
    own.addSecretFromHeader('Bearer plain-looking-credential');
    expect(own.redactString('failed with plain-looking-credential in it')).toBe(
      `failed with ${REDACTED} in it`,
    );
  });

  it('learns API keys from credential environment variables only', () => {
    const own = new Redactor({ env: { OPENAI_API_KEY: 'key-from-env-12345', HOME: '/home/someone-long' } });
    expect(own.redactString('x key-from-env-12345 y')).toBe(`x ${REDACTED} y`);
    expect(own.redactString('/home/someone-long')).toBe('/home/someone-long');
  });

  it('ignores values too short to be keys', () => {
    const own = new Redactor();
    own.addSecret('abc');
    expect(own.redactString('abc abc')).toBe('abc abc');
  });

  it('redacts extra query parameter names given in options', () => {
    const own = new Redactor({ queryParameters: ['tenant_ref'] });
    expect(own.redactString('http://h/?tenant-ref=1&other=2')).toBe(
      `http://h/?tenant-ref=${REDACTED}&other=2`,
    );
  });

  it('still finds every credential shape in a string that holds nothing else (the pre-check skips no secret)', () => {
    const cases: [string, string][] = [
      ['Bearer abcdefgh12345678', `Bearer ${REDACTED}`],
      ['Token abcdefgh12345678', `Token ${REDACTED}`],
      ['Basic dXNlcjpwYXNzd29yZDE=', `Basic ${REDACTED}`],
      [KEY, REDACTED],
      ['AIzaSyA1234567890abcdefghijklmnopqrstu', REDACTED],
      ['https://user:pa55@proxy.example', `https://${REDACTED}:${REDACTED}@proxy.example`],
      ['sig=abc', `sig=${REDACTED}`],
    ];
    for (const [text, expected] of cases) expect(redactor.redactString(text)).toBe(expected);
  });

  it('redacts a remembered secret in a string with no credential marker (no =, @, Bearer, sk-)', () => {
    const own = new Redactor();
    own.addSecret('plainsecretvalue42');
    expect(own.redactString('plainsecretvalue42')).toBe(REDACTED);
    expect(own.redactString('x plainsecretvalue42')).toBe(`x ${REDACTED}`);
  });

  it('redacts a secret learned from a header again after it was forgotten and the same header came back', () => {
    const own = new Redactor();
    own.addSecretFromHeader('Bearer header-credential-0');
    for (let i = 0; i < 64; i++) own.addSecret(`rotating-secret-${i}`);
    expect(own.redactString('header-credential-0')).toBe('header-credential-0');
    own.addSecretFromHeader('Bearer header-credential-0');
    expect(own.redactString('header-credential-0')).toBe(REDACTED);
  });

  it('parses a header it has seen once, also when its key is too short to remember (local servers take `ollama`)', () => {
    const learnt: string[] = [];
    class Counting extends Redactor {
      override addSecret(value: string): void {
        learnt.push(value);
        super.addSecret(value);
      }
    }
    const own = new Counting();
    for (let i = 0; i < 3; i++) own.addSecretFromHeader('Bearer ollama');
    expect(learnt).toEqual(['ollama']);
    expect(own.redactString('model ollama')).toBe('model ollama');
    own.addSecretFromHeader(`Bearer ${KEY}`);
    own.addSecretFromHeader(`Bearer ${KEY}`);
    expect(learnt).toEqual(['ollama', KEY]);
    expect(own.redactString(`x ${KEY}`)).toBe(`x ${REDACTED}`);
  });

  it('redacts a string it found clean before, once a secret inside it is learnt', () => {
    const own = new Redactor();
    const attributes = { 'url.full': 'https://relay.example/v1/opaque-relay-credential-7/chat' };
    for (let i = 0; i < 3; i++) expect(own.redactAttributes(attributes)).toBe(attributes);
    own.addSecretFromHeader('Bearer opaque-relay-credential-7');
    expect(own.redactAttributes(attributes)).toEqual({
      'url.full': `https://relay.example/v1/${REDACTED}/chat`,
    });
    expect(own.redactString(attributes['url.full'])).toBe(`https://relay.example/v1/${REDACTED}/chat`);
  });

  it('returns the very same string when there is nothing to redact', () => {
    const text = 'https://api.openai.com/v1/chat/completions?model=x';
    expect(redactor.redactString(text)).toBe(text);
  });
});

describe('Redactor.redactAttributes', () => {
  it('replaces credential header attributes and keeps other headers', () => {
    const redactor = new Redactor();
    const out = redactor.redactAttributes({
      'http.request.header.authorization': [`Bearer ${KEY}`],
      'http.request.header.api-key': ['x'],
      'http.request.header.x-api-key': 'x',
      'http.request.header.cookie': ['a=b'],
      'http.response.header.content-type': ['application/json'],
    });
    expect(out).toEqual({
      'http.request.header.authorization': [REDACTED],
      'http.request.header.api-key': [REDACTED],
      'http.request.header.x-api-key': REDACTED,
      'http.request.header.cookie': [REDACTED],
      'http.response.header.content-type': ['application/json'],
    });
  });

  it('matches credential header names case-insensitively, also after the name was seen before', () => {
    const redactor = new Redactor();
    for (let i = 0; i < 2; i++) {
      expect(
        redactor.redactAttributes({
          'http.request.header.X-Api-Key': 'x',
          'http.response.header.Set-Cookie': ['a=b'],
          'http.request.header.x-request-id': 'r',
        }),
      ).toEqual({
        'http.request.header.X-Api-Key': REDACTED,
        'http.response.header.Set-Cookie': [REDACTED],
        'http.request.header.x-request-id': 'r',
      });
    }
  });

  it('tells credential header attributes from every other key, request and response alike', () => {
    const redactor = new Redactor();
    const names = [
      'authorization',
      'api-key',
      'x-api-key',
      'x-goog-api-key',
      'cookie',
      'set-cookie',
      'x-auth-token',
    ];
    for (const name of names) {
      for (const key of [`http.request.header.${name}`, `http.response.header.${name}`]) {
        expect(redactor.redactValue(key, 'credential-value-1'), key).toBe(REDACTED);
        expect(redactor.redactValue(key, ['credential-value-1']), key).toEqual([REDACTED]);
      }
    }
    for (const key of [
      'http.request.method',
      'http.request.resend_count',
      'http.response.status_code',
      'http.request.headers.authorization',
      'gen_ai.request.header.authorization',
      'header.authorization',
      'h',
      '',
    ]) {
      expect(redactor.redactValue(key, 'credential-value-1'), key).toBe('credential-value-1');
    }
  });

  it('copies only when something changed', () => {
    const redactor = new Redactor();
    const clean = { 'url.full': 'http://h/v1', 'http.response.status_code': 200, tags: ['a', 'b'] };
    expect(redactor.redactAttributes(clean)).toBe(clean);
    const dirty = { 'url.full': 'http://h/v1?key=abc', other: 1 };
    const out = redactor.redactAttributes(dirty);
    expect(out).not.toBe(dirty);
    expect(out).toEqual({ 'url.full': `http://h/v1?key=${REDACTED}`, other: 1 });
    expect(dirty['url.full']).toBe('http://h/v1?key=abc');
  });

  it('redacts the items of an array one by one, keeping the array when none changed', () => {
    const redactor = new Redactor();
    const tags = ['stop', 'length'];
    const counts = [1, 2, 3];
    const mixed = ['see http://h/v1?token=abc', 'stop', null];
    const attributes = { tags, counts, mixed };
    const out = redactor.redactAttributes(attributes);
    expect(out.tags).toBe(tags);
    expect(out.counts).toBe(counts);
    expect(out.mixed).toEqual([`see http://h/v1?token=${REDACTED}`, 'stop', null]);
    expect(mixed[0]).toBe('see http://h/v1?token=abc');
    expect(redactor.redactValue('tags', tags)).toBe(tags);
  });

  it('does not copy attributes whose credential headers are already redacted', () => {
    const redactor = new Redactor();
    const attributes = {
      'http.request.header.authorization': [REDACTED],
      'http.request.header.x-api-key': REDACTED,
    };
    expect(redactor.redactAttributes(attributes)).toBe(attributes);
  });
});
