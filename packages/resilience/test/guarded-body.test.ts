import { describe, expect, it, vi } from 'vitest';
import { StreamTruncatedError } from '../src/errors.js';
import { GuardedBody } from '../src/guarded-body.js';
import { guardStream } from '../src/stream-guard.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CHUNKS = ['data: {"n":0}\n\n', 'data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: [DONE]\n\n'];
const WHOLE = CHUNKS.join('');

/** A guarded chat-like body over a source of CHUNKS (the first already read, as the attempt does). */
function guarded(chunks = CHUNKS) {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks.slice(1)) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  const onDone = vi.fn();
  const onTruncated = vi.fn();
  const body = guardStream(source.getReader(), encoder.encode(chunks[0]!), {
    idleMs: 60_000,
    finalEvents: ['data: [DONE]'],
    finalEventWithin: 1024,
    keepTail: false,
    signal: new AbortController().signal,
    onDone,
    onTruncated,
  });
  return { body, onDone, onTruncated };
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
  return text;
}

describe('GuardedBody', () => {
  it('answers a default reader: the first read through the stream, the others straight from the source', async () => {
    let pulls = 0;
    let direct = 0;
    const chunk = encoder.encode('x');
    const body = new GuardedBody(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(chunk);
        },
      },
      () => {
        direct++;
        return Promise.resolve(
          direct < 4 ? { done: false as const, value: chunk } : { done: true as const, value: undefined },
        );
      },
    );
    const reader = body.getReader();
    expect(reader).toBeInstanceOf(ReadableStreamDefaultReader);
    expect(body.locked).toBe(true);
    expect(() => body.getReader()).toThrow(TypeError);
    for (let i = 0; i < 4; i++) expect((await reader.read()).done).toBe(false);
    expect((await reader.read()).done).toBe(true);
    expect({ pulls, direct }).toEqual({ pulls: 1, direct: 4 });
    reader.releaseLock();
    expect(body.locked).toBe(false);
  });

  it('gives every chunk, in order, to each way of reading a body', async () => {
    expect(await readAll(guarded().body.getReader())).toBe(WHOLE);

    let iterated = '';
    const { body } = guarded();
    for await (const chunk of body) iterated += decoder.decode(chunk);
    expect(iterated).toBe(WHOLE);
    expect(body.locked).toBe(false);

    const [a, b] = guarded().body.tee();
    expect(await Promise.all([readAll(a.getReader()), readAll(b.getReader())])).toEqual([WHOLE, WHOLE]);

    let piped = '';
    await guarded().body.pipeTo(
      new WritableStream<Uint8Array>({
        write(chunk) {
          piped += decoder.decode(chunk);
        },
      }),
    );
    expect(piped).toBe(WHOLE);

    expect(await new Response(guarded().body).text()).toBe(WHOLE);
  });

  it('lets a reader go and another take over where it stopped (preventCancel, releaseLock)', async () => {
    const { body } = guarded();
    let text = '';
    for await (const chunk of body.values({ preventCancel: true })) {
      text += decoder.decode(chunk);
      if (text.length >= CHUNKS[0]!.length + CHUNKS[1]!.length) break;
    }
    const first = body.getReader();
    const next = await first.read();
    text += decoder.decode(next.value);
    first.releaseLock();
    text += await readAll(body.getReader());
    expect(text).toBe(WHOLE);
  });

  it('is used once read: a response over it reports bodyUsed and refuses a second read', async () => {
    const response = new Response(guarded().body);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    expect(response.bodyUsed).toBe(true);
    reader.releaseLock();
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('cancels the source when a loop breaks out, and reports the body done once', async () => {
    const { body, onDone, onTruncated } = guarded();
    for await (const _chunk of body) break;
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(onTruncated).not.toHaveBeenCalled();
    expect(body.locked).toBe(false);
  });

  it('takes a cancel with a read pending for what it is, not a truncation', async () => {
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        feed = controller;
      },
    });
    const onTruncated = vi.fn();
    const body = guardStream(source.getReader(), encoder.encode(CHUNKS[0]!), {
      idleMs: undefined,
      finalEvents: ['data: [DONE]'],
      keepTail: false,
      signal: new AbortController().signal,
      onDone: () => undefined,
      onTruncated,
    });
    const reader = body.getReader();
    await reader.read();
    const pending = reader.read();
    await reader.cancel('enough');
    expect(await pending).toMatchObject({ done: true });
    expect(onTruncated).not.toHaveBeenCalled();
    expect(() => feed.enqueue(encoder.encode('late'))).toThrow();
  });

  it('fails a direct read with StreamTruncatedError when the stream ends without its final event, and errors the body', async () => {
    const { body, onTruncated } = guarded(CHUNKS.slice(0, 3));
    const reader = body.getReader();
    await expect(readAll(reader)).rejects.toBeInstanceOf(StreamTruncatedError);
    expect(onTruncated).toHaveBeenCalledTimes(1);
    await expect(reader.closed).rejects.toBeInstanceOf(StreamTruncatedError);
  });
});
