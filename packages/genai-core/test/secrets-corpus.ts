// The one corpus of secrets every aiotel package must keep out of telemetry. Each package's redaction test runs it
// through its own path (the Redactor itself, the preload's export, the instrumentation's exception events).
import { expect } from 'vitest';
import { REDACTED } from '../src/redact.js';

/** A string as it may reach telemetry: the secrets in it must vanish, the rest must stay readable. */
export interface SecretText {
  readonly what: string;
  readonly text: string;
  /** Fragments that must not survive. */
  readonly secrets: readonly string[];
  /** Fragments that must survive (nothing but the secret is removed). */
  readonly kept: readonly string[];
}

export const OPENAI_PROJECT_KEY = 'sk-proj-Ab3dEf0123456789GhIjKlMnOpQrStUvWxYz_-T3BlbkFJ0aZ9';
export const ANTHROPIC_KEY = 'sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe-Dc_BaQ2wE4rT6yU8iO0pAA';
export const GOOGLE_KEY = 'AIzaSyA1234567890abcdefghijklmnopqrstu';

export const SECRET_TEXTS: readonly SecretText[] = [
  {
    what: 'an OpenAI project key in an error message',
    text: `401 Incorrect API key provided: ${OPENAI_PROJECT_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    secrets: [OPENAI_PROJECT_KEY, 'T3BlbkFJ'],
    kept: [
      '401 Incorrect API key provided: ',
      '. You can find your API key at https://platform.openai.com/account/api-keys.',
    ],
  },
  {
    what: "the API's masked echo of a key",
    text: 'Incorrect API key provided: sk-proj-************************************************************0pAA.',
    secrets: ['sk-proj-', '0pAA'],
    kept: ['Incorrect API key provided: ', '.'],
  },
  {
    what: 'an Anthropic key in an error message',
    text: `authentication_error: invalid x-api-key ${ANTHROPIC_KEY}`,
    secrets: [ANTHROPIC_KEY, 'sk-ant-'],
    kept: ['authentication_error: invalid x-api-key '],
  },
  {
    what: 'a Google API key in a URL query',
    text: `https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key=${GOOGLE_KEY}&alt=sse`,
    secrets: [GOOGLE_KEY],
    kept: [
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key=',
      '&alt=sse',
    ],
  },
  {
    what: 'a Google API key alone in a message',
    text: `API key not valid: ${GOOGLE_KEY}`,
    secrets: [GOOGLE_KEY],
    kept: ['API key not valid: '],
  },
  {
    what: 'a relay key in a URL path',
    text: `https://relay.example/sk-or-v1-0123456789abcdef0123456789abcdef/v1/chat/completions`,
    secrets: ['sk-or-v1-0123456789abcdef'],
    kept: ['https://relay.example/', '/v1/chat/completions'],
  },
  {
    what: 'a Bearer token quoted in a message',
    text: 'upstream rejected Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N',
    secrets: ['eyJhbGciOiJIUzI1NiJ9', 'dozjgNryP4J3jVmNHl0w5N'],
    kept: ['upstream rejected Authorization: Bearer '],
  },
  {
    what: 'a Basic credential quoted in a message',
    text: 'proxy answered 407 for Basic dXNlcjpwYXNzd29yZDE=',
    secrets: ['dXNlcjpwYXNzd29yZDE'],
    kept: ['proxy answered 407 for Basic '],
  },
  {
    what: 'key-like query parameters (Azure api-key, tokens, signatures)',
    text: 'https://res.openai.azure.com/openai/deployments/gpt/chat?api-version=2024-10-21&api-key=0123abcd0123abcd&access_token=tok123&X-Amz-Signature=f00d&model=gpt-4o',
    secrets: ['0123abcd0123abcd', 'tok123', 'f00d'],
    kept: ['api-version=2024-10-21', '&model=gpt-4o'],
  },
  {
    what: 'a bare url.query',
    text: '?subscription-key=abc123&q=1',
    secrets: ['abc123'],
    kept: ['?subscription-key=', '&q=1'],
  },
  {
    what: 'user and password in a URL',
    text: 'connect ECONNREFUSED for https://svc:pa55word@proxy.example:8443/v1',
    secrets: ['svc:pa55word', 'pa55word'],
    kept: ['connect ECONNREFUSED for https://', '@proxy.example:8443/v1'],
  },
  {
    what: 'a key inside a JSON error body',
    text: `{"error":{"message":"Incorrect API key provided: ${OPENAI_PROJECT_KEY}","type":"invalid_request_error"}}`,
    secrets: [OPENAI_PROJECT_KEY],
    kept: ['"type":"invalid_request_error"'],
  },
];

/** Credential headers captured as span attributes: their whole value goes. */
export const SECRET_HEADER_ATTRIBUTES: Readonly<Record<string, string | string[]>> = {
  'http.request.header.authorization': [`Bearer ${OPENAI_PROJECT_KEY}`],
  'http.request.header.api-key': ['azure-key-0123456789'],
  'http.request.header.x-api-key': ANTHROPIC_KEY,
  'http.request.header.x-goog-api-key': [GOOGLE_KEY],
};

/**
 * A key of no known shape, learnt from the request header, environment variable or client that carries it, then
 * found anywhere.
 */
export const OPAQUE_KEY = 'relay-7f3a9c2e51d84b06';
export const OPAQUE_KEY_TEXT: SecretText = {
  what: 'a learnt key of no known shape',
  text: `relay refused credential ${OPAQUE_KEY} (quota exceeded)`,
  secrets: [OPAQUE_KEY],
  kept: ['relay refused credential ', ' (quota exceeded)'],
};

/** Asserts what the corpus asks of one redacted string: its secrets gone, the rest kept, the marker in their place. */
export function expectScrubbed(redacted: string, entry: SecretText): void {
  for (const secret of entry.secrets) expect(redacted, entry.what).not.toContain(secret);
  for (const kept of entry.kept) expect(redacted, entry.what).toContain(kept);
  expect(redacted, entry.what).toContain(REDACTED);
}
