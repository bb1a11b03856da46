import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { type Origin, setUrlAttributes } from '../src/request-url.js';

/** What instrumentation-undici 0.34 records for a request: everything from `new URL(path, origin)`. */
function fromUrl(origin: string, path: string): Attributes | undefined {
  let url: URL;
  try {
    url = new URL(path, origin);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.replace(':', '');
  const port = url.port || { https: '443', http: '80' }[scheme];
  return {
    'url.full': url.toString(),
    'url.path': url.pathname,
    'url.query': url.search,
    'url.scheme': scheme,
    'server.address': url.hostname,
    ...(port ? { 'server.port': Number(port) } : {}),
  };
}

const ORIGINS = [
  'http://127.0.0.1:8080',
  'https://api.openai.com',
  'http://localhost',
  'https://[::1]:8443',
  'https://API.Example.com',
  'http://example.com:80',
  'https://example.com/',
  'http://xn--bcher-kva.example',
  'not a url',
];

const PATHS = [
  '/',
  '/v1/chat/completions',
  '/v1/chat/completions?api-version=2024-10-21',
  '/v1/models/gpt-4o:generateContent?key=abc&alt=sse',
  '/a?',
  '/a?b?c',
  '/a/./b',
  '/a/../b',
  '/a/%2e%2E/b',
  '/.well-known/x',
  '/a/.hidden',
  '/a?x=/./y',
  "/it's?q='quoted'",
  '/a b?c d',
  '/a"b',
  '/a<b>',
  '/a`b`{c}|^[d]',
  '/a#fragment',
  '/a?b#c',
  '/a\\b',
  '/ä?ö=ü',
  '/a%zz%41',
  '/a\tb\n',
  '//other.example/x',
  '///x',
  'relative/path',
  '',
  '*',
  'https://elsewhere.example:9443/p?q',
];

describe('setUrlAttributes', () => {
  it('gives exactly the url and server attributes of new URL(path, origin), for every origin and path', () => {
    const origins = new Map<string, Origin>();
    for (let round = 0; round < 2; round++) {
      for (const origin of ORIGINS) {
        for (const path of PATHS) {
          const attributes: Attributes = {};
          const known = setUrlAttributes(attributes, origin, path, origins);
          const expected = fromUrl(origin, path);
          expect(known === undefined ? undefined : attributes, `${origin} + ${JSON.stringify(path)}`).toEqual(
            expected,
          );
        }
      }
    }
  });

  it('keeps its origins bounded', () => {
    const origins = new Map<string, Origin>();
    for (let i = 0; i < 1000; i++) setUrlAttributes({}, `http://host-${i}.example`, '/', origins);
    expect(origins.size).toBeLessThanOrEqual(256);
    expect(origins.size).toBeGreaterThan(0);
  });
});
