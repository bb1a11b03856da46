import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { bufferedResponse } from '../src/buffered-response.js';
import { resilient } from '../src/index.js';

const TEXT = '\uFEFF{"id":"chatcmpl-1","note":"café"}';
const INIT = {
  status: 201,
  statusText: 'Created',
  headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' },
};

/** What a sequence of reads gives: each value, or the error's class and message. */
async function outcomes(
  response: Response,
  reads: readonly ((r: Response) => unknown)[],
): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (const read of reads) {
    try {
      const value = await read(response);
      seen.push(
        value instanceof ArrayBuffer || value instanceof Uint8Array
          ? Array.from(new Uint8Array(value))
          : value instanceof Blob
            ? await value.text()
            : value instanceof ReadableStream
              ? await new Response(value).text()
              : value,
      );
    } catch (err) {
      seen.push(`${(err as Error).constructor.name}: ${(err as Error).message}`);
    }
    seen.push(response.bodyUsed);
  }
  return seen;
}

describe('bufferedResponse', () => {
  const real = () => new Response(new TextEncoder().encode(TEXT), INIT);
  const buffered = () => bufferedResponse(new TextEncoder().encode(TEXT), real());

  it('keeps the status, status text and headers, and is a Response', () => {
    const response = buffered();
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok]).toEqual([201, 'Created', true]);
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(response.bodyUsed).toBe(false);
  });

  const scenarios: Record<string, readonly ((r: Response) => unknown)[]> = {
    'json, then text again': [(r) => r.json(), (r) => r.text()],
    'text, then json again': [(r) => r.text(), (r) => r.json()],
    'the body stream, then json': [(r) => r.body, (r) => r.json()],
    'arrayBuffer, then json': [(r) => r.arrayBuffer(), (r) => r.json()],
    bytes: [(r) => r.bytes()],
    blob: [(r) => r.blob()],
    'clone, then both read': [(r) => r.clone().text(), (r) => r.json()],
    'json, then clone': [(r) => r.json(), (r) => r.clone()],
    'json, then the body stream': [(r) => r.json(), (r) => r.body?.locked],
  };
  for (const [name, reads] of Object.entries(scenarios)) {
    it(`reads as the Response it stands for: ${name}`, async () => {
      expect(await outcomes(buffered(), reads)).toEqual(await outcomes(real(), reads));
    });
  }

  it('rejects a body that is not JSON as Response.json() does', async () => {
    const bad = () => new TextEncoder().encode('{"cut":');
    const seen = await bufferedResponse(bad(), real())
      .json()
      .catch((err: unknown) => err);
    const expected = await new Response(bad()).json().catch((err: unknown) => err);
    expect(seen).toBeInstanceOf(SyntaxError);
    expect((seen as Error).message).toBe((expected as Error).message);
  });
});

describe('resilient client: a JSON success', () => {
  it('reaches the caller as a readable Response (asResponse, withResponse)', async () => {
    const body = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [] });
    const client = resilient(
      new OpenAI({
        apiKey: 'k',
        baseURL: 'http://127.0.0.1:9/v1',
        fetch: async () => new Response(body, { headers: { 'content-type': 'application/json' } }),
      }),
    );
    const params = { model: 'gpt-4o-mini', messages: [] };
    const raw = await client.chat.completions.create(params).asResponse();
    expect(raw).toBeInstanceOf(Response);
    expect(await raw.text()).toBe(body);
    const { data, response } = await client.chat.completions.create(params).withResponse();
    expect(data.id).toBe('chatcmpl-1');
    expect(response.bodyUsed).toBe(true);
  });
});
