import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamInterruptedError, StreamTruncatedError } from '../src/errors.js';
import { guardStream } from '../src/stream-guard.js';

const IDLE_MS = 100;
const encode = (text: string) => new TextEncoder().encode(text);

/** A source the test feeds by hand, guarded with an idle limit of 100 ms and the chat final events. */
function guarded() {
  let source!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      source = controller;
    },
  });
  const done = vi.fn();
  const stream = guardStream(body.getReader(), encode('data: {"n":0}\n\n'), {
    idleMs: IDLE_MS,
    finalEvents: ['data: [DONE]'],
    keepTail: false,
    signal: new AbortController().signal,
    onDone: done,
    onTruncated: () => undefined,
  });
  return { reader: stream.getReader(), push: (text: string) => source.enqueue(encode(text)), source, done };
}

/** Settles a promise's state into a variable, so the test can look at it after moving the clock. */
function track(promise: Promise<unknown>) {
  const state: { value?: unknown; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: unknown) => Object.assign(state, { error, settled: true }),
  );
  return state;
}

describe('the stream guard idle limit', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not cut a stream whose chunks each come within idleMs, however long it runs in total', async () => {
    const { reader, push, source } = guarded();
    await reader.read();
    for (let i = 1; i <= 10; i++) {
      const next = reader.read();
      await vi.advanceTimersByTimeAsync(60);
      push(`data: {"n":${i}}\n\n`);
      expect((await next).done).toBe(false);
    }
    push('data: [DONE]\n\n');
    source.close();
    expect((await reader.read()).done).toBe(false);
    expect((await reader.read()).done).toBe(true);
  });

  it('does not count the time the caller spends between reads while chunks wait in the queue', async () => {
    const { reader, push } = guarded();
    push('data: {"n":1}\n\n');
    push('data: {"n":2}\n\n');
    await reader.read();
    await vi.advanceTimersByTimeAsync(5 * IDLE_MS);
    expect((await reader.read()).done).toBe(false);
    expect((await reader.read()).done).toBe(false);
    // Now a read waits on the source: the limit counts from here, not from the first read.
    const next = track(reader.read());
    await vi.advanceTimersByTimeAsync(IDLE_MS - 1);
    push('data: {"n":3}\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(next).toMatchObject({ settled: true, value: { done: false } });
  });

  it('ends a read that waited idleMs with StreamInterruptedError, also when the timer was armed earlier', async () => {
    const { reader, push, done } = guarded();
    push('data: {"n":1}\n\n');
    // This read arms the idle timer (due at 100 ms); its source read finds chunk 1 at once.
    await reader.read();
    await vi.advanceTimersByTimeAsync(60);
    // Taking chunk 1 starts a source read at 60 ms that gets nothing: it must fail at 160 ms, not at 100.
    expect((await reader.read()).done).toBe(false);
    const pending = track(reader.read());
    await vi.advanceTimersByTimeAsync(IDLE_MS - 1);
    expect(pending.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(pending.settled).toBe(true);
    expect(pending.error).toBeInstanceOf(StreamInterruptedError);
    expect(pending.error).toMatchObject({ reason: 'idle_timeout' });
    expect(done).toHaveBeenCalledTimes(1);
  });
});

/** Reads a guarded body made of the given chunks to its end; the error, if it failed. */
async function endOf(chunks: string[], finalEvents: readonly string[]): Promise<unknown> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks.slice(1)) controller.enqueue(encode(chunk));
      controller.close();
    },
  });
  const stream = guardStream(body.getReader(), encode(chunks[0]!), {
    idleMs: undefined,
    finalEvents,
    keepTail: false,
    signal: new AbortController().signal,
    onDone: () => undefined,
    onTruncated: () => undefined,
  });
  try {
    await new Response(stream).text();
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('the stream guard final events', () => {
  const CHAT_FINAL = ['data: [DONE]', '"finish_reason":"'];

  it('finds a final event inside one chunk, and one split across two chunks', async () => {
    expect(await endOf(['data: {}\n\n', 'data: [DONE]\n\n'], CHAT_FINAL)).toBeUndefined();
    expect(await endOf(['data: {}\n\ndata: [DO', 'NE]\n\n'], CHAT_FINAL)).toBeUndefined();
    expect(await endOf(['data: {"finish_reason', '":"stop"}\n\n'], CHAT_FINAL)).toBeUndefined();
  });

  it('takes the final events literally: brackets and dots are not patterns', async () => {
    expect(await endOf(['data: {}\n\n', 'data: D\n\n'], ['data: [DONE]'])).toBeInstanceOf(
      StreamTruncatedError,
    );
    expect(await endOf(['abc'], ['a.c'])).toBeInstanceOf(StreamTruncatedError);
    expect(await endOf(['a.c'], ['a.c'])).toBeUndefined();
  });
});
