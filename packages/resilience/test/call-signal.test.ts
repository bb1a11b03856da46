import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../src/options.js';
import { createResilientFetch, type Fetch } from '../src/resilient-fetch.js';

const URL_CHAT = 'http://127.0.0.1:9/v1/chat/completions';
const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [] });

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** A fetch that never answers, but rejects when its signal aborts; `seen` has the signal of each request. */
function hangingFetch() {
  const seen: AbortSignal[] = [];
  const fetch: Fetch = (_input, init = {}) => {
    seen.push(init.signal as AbortSignal);
    return new Promise((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    });
  };
  return { fetch, seen };
}

/** The call's outcome: its rejection reason, or 'resolved'. */
const outcome = (call: Promise<Response>) =>
  call.then(
    () => 'resolved',
    (err: unknown) => err,
  );

describe("the call's signal", () => {
  it("listens once to the caller's signal for the call and its attempt; an abort reaches both", async () => {
    const { fetch, seen } = hangingFetch();
    const resilientFetch = createResilientFetch(resolveOptions({}), () => fetch);
    const caller = new AbortController();
    const result = outcome(resilientFetch(URL_CHAT, { method: 'POST', body: BODY, signal: caller.signal }));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    expect(seen[0]).not.toBe(caller.signal);
    expect(abortListeners(caller.signal)).toBe(1);
    const reason = new Error('caller gave up');
    caller.abort(reason);
    expect(seen[0]!.aborted).toBe(true);
    expect(seen[0]!.reason).toBe(reason);
    expect(await result).toBe(reason);
  });

  it('is listened to once by a call queued in the bulkhead; an abort takes it out of the queue, never sent', async () => {
    const { fetch, seen } = hangingFetch();
    const resilientFetch = createResilientFetch(
      resolveOptions({ bulkhead: { limit: 1, queue: 5 } }),
      () => fetch,
    );
    const holder = new AbortController();
    const held = outcome(resilientFetch(URL_CHAT, { method: 'POST', body: BODY, signal: holder.signal }));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const queued = new AbortController();
    const waiting = outcome(resilientFetch(URL_CHAT, { method: 'POST', body: BODY, signal: queued.signal }));
    await vi.waitFor(() => expect(abortListeners(queued.signal)).toBe(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(abortListeners(queued.signal)).toBe(1);
    const reason = new Error('tired of waiting');
    queued.abort(reason);
    expect(await waiting).toBe(reason);
    holder.abort(new Error('done'));
    await held;
    // The freed slot is not handed to the aborted call: nothing more was sent.
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(1);
  });
});
