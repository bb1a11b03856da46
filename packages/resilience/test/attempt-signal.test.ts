import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttemptSignal } from '../src/attempt-signal.js';
import { CallSignal } from '../src/call-signal.js';
import { Deadlines } from '../src/deadlines.js';
import { resolveOptions } from '../src/options.js';
import { createResilientFetch, type Fetch } from '../src/resilient-fetch.js';

const URL_CHAT = 'http://127.0.0.1:9/v1/chat/completions';
const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [] });
const STREAM_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [], stream: true });

/** A fetch that answers JSON, or an SSE body that stays open until the test closes it. */
function stubFetch() {
  const seen: { signal: AbortSignal; headers: Headers }[] = [];
  let close: (() => void) | undefined;
  const fetch: Fetch = async (_input, init = {}) => {
    seen.push({ signal: init.signal as AbortSignal, headers: init.headers as Headers });
    if (!String(init.body).includes('"stream":true')) {
      return new Response('{"id":"x","usage":{"prompt_tokens":1}}', {
        headers: { 'content-type': 'application/json' },
      });
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: {"choices":[]}\n\n'));
        close = () => {
          controller.enqueue(new TextEncoder().encode('data: [DONE]\n\n'));
          controller.close();
        };
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch, seen, close: () => close?.() };
}

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('the attempt signal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("leaves no listener on the caller's long-lived signal once JSON calls and streams are done", async () => {
    const stub = stubFetch();
    const resilientFetch = createResilientFetch(resolveOptions({}), () => stub.fetch);
    const caller = new AbortController();
    for (let i = 0; i < 3; i++) {
      const response = await resilientFetch(URL_CHAT, { method: 'POST', body: BODY, signal: caller.signal });
      await response.json();
    }
    const stream = await resilientFetch(URL_CHAT, {
      method: 'POST',
      body: STREAM_BODY,
      signal: caller.signal,
    });
    const reading = stream.text();
    stub.close();
    await reading;
    expect(abortListeners(caller.signal)).toBe(0);
  });

  it("keeps a handed-over stream linked to the caller's signal: an abort mid-stream reaches the fetch", async () => {
    const stub = stubFetch();
    const resilientFetch = createResilientFetch(resolveOptions({}), () => stub.fetch);
    const caller = new AbortController();
    await resilientFetch(URL_CHAT, { method: 'POST', body: STREAM_BODY, signal: caller.signal });
    const fetchSignal = stub.seen[0]!.signal;
    expect(fetchSignal).not.toBe(caller.signal);
    expect(fetchSignal.aborted).toBe(false);
    caller.abort(new Error('caller gave up'));
    expect(fetchSignal.aborted).toBe(true);
    expect(fetchSignal.reason).toEqual(new Error('caller gave up'));
  });

  it('hands the SDK its own headers on the first attempt when they already say retry count 0', async () => {
    const stub = stubFetch();
    const resilientFetch = createResilientFetch(resolveOptions({}), () => stub.fetch);
    const headers = new Headers({ 'x-stainless-retry-count': '0', authorization: 'Bearer k' });
    await resilientFetch(URL_CHAT, { method: 'POST', body: BODY, headers });
    expect(stub.seen[0]!.headers).toBe(headers);
    const plain = { 'x-stainless-retry-count': '0' };
    await resilientFetch(URL_CHAT, { method: 'POST', body: BODY, headers: plain });
    expect(stub.seen[1]!.headers.get('x-stainless-retry-count')).toBe('0');
  });

  it('is the caller signal itself when there is no time limit', () => {
    const caller = new AbortController();
    expect(
      new AttemptSignal(new CallSignal(caller.signal), undefined, undefined, new Deadlines()).signal,
    ).toBe(caller.signal);
  });

  it('aborts when the attempt limit runs out and names it; stopping the timers first prevents it', () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const expiring = new AttemptSignal(new CallSignal(caller.signal), 100, undefined, new Deadlines());
    vi.advanceTimersByTime(99);
    expect(expiring.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(expiring.signal.aborted).toBe(true);
    expect(expiring.expired).toBe('attempt');
    const stopped = new AttemptSignal(new CallSignal(caller.signal), 100, 50, new Deadlines());
    stopped.stopTimers();
    vi.advanceTimersByTime(1000);
    expect(stopped.signal.aborted).toBe(false);
    expect(stopped.expired).toBeUndefined();
  });

  it('names the first-chunk limit when it runs out before the attempt limit', () => {
    vi.useFakeTimers();
    const limits = new AttemptSignal(new CallSignal(new AbortController().signal), 1000, 50, new Deadlines());
    vi.advanceTimersByTime(2000);
    expect(limits.expired).toBe('firstChunk');
  });

  it('names the attempt limit when it runs out before the first-chunk limit, and on a tie', () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const shorter = new AttemptSignal(new CallSignal(caller.signal), 50, 1000, new Deadlines());
    const tie = new AttemptSignal(new CallSignal(caller.signal), 50, 50, new Deadlines());
    vi.advanceTimersByTime(49);
    expect([shorter.signal.aborted, tie.signal.aborted]).toEqual([false, false]);
    vi.advanceTimersByTime(1);
    expect([shorter.expired, tie.expired]).toEqual(['attempt', 'attempt']);
    expect([shorter.signal.aborted, tie.signal.aborted]).toEqual([true, true]);
  });

  it("follows a caller's signal that was aborted before the attempt started", () => {
    const caller = new AbortController();
    caller.abort(new Error('already'));
    const limits = new AttemptSignal(new CallSignal(caller.signal), 100, undefined, new Deadlines());
    expect(limits.signal.aborted).toBe(true);
    expect(limits.signal.reason).toEqual(new Error('already'));
    expect(limits.expired).toBeUndefined();
  });
});
