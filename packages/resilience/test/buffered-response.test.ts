import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
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

  it("answers every member of Response.prototype itself: undici's own would refuse an object it did not make", () => {
    const response = buffered();
    const ours = Object.getPrototypeOf(response) as object;
    const members = Reflect.ownKeys(Response.prototype).filter(
      (key) => key !== 'constructor' && key !== Symbol.toStringTag,
    );
    expect(members.length).toBeGreaterThan(15);
    // Compared as descriptors: reading a getter on the prototype itself would run it without an instance.
    const notOurs = members.filter((key) => {
      const own = Object.getOwnPropertyDescriptor(ours, key);
      const undici = Object.getOwnPropertyDescriptor(Response.prototype, key)!;
      return own === undefined || (own.get ?? own.value) === (undici.get ?? undici.value);
    });
    expect(notOurs.map(String)).toEqual([]);
    expect(Object.prototype.toString.call(response)).toBe('[object Response]');
  });

  it("has the fetched response's URL, type and redirect flag, and prints like a Response", async () => {
    const server = createServer((_req, res) => res.end('{"ok":true}')).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
      const fetched = await fetch(url);
      const response = bufferedResponse(new Uint8Array(await fetched.arrayBuffer()), fetched);
      expect([response.url, response.type, response.redirected]).toEqual([url, 'basic', false]);
      const printed = inspect(response);
      expect(printed).toMatch(/^Response \{/);
      expect(printed).toContain('status: 200');
      expect(printed).toContain(`url: '${url}'`);
      expect(await response.json()).toEqual({ ok: true });
    } finally {
      server.close();
    }
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
