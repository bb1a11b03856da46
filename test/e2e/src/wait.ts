/**
 * What a probe throws when waiting longer cannot help (the process it waits for has exited): the wait rejects at
 * once with it instead of trying until its time is up.
 */
export class StopWaiting extends Error {}

/**
 * Calls `probe` until it returns a value other than undefined, or throws {@link StopWaiting}; after `timeoutMs` it rejects, saying what it waited
 * for and what the last try gave. A probe that hangs cannot stretch the wait: each try gets the time that is left,
 * or one interval if less is (its `signal` aborts then, and the wait stops waiting for it). The pause between
 * tries is short and bounded: it only waits for real processes to become ready.
 */
export async function waitFor<T>(
  what: string,
  probe: (signal: AbortSignal) => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no try finished';
  for (;;) {
    // At least one interval, so the last try is a real one: a wait may end up to intervalMs after its timeout.
    const signal = AbortSignal.timeout(Math.max(deadline - Date.now(), intervalMs));
    try {
      const value = await untilAborted(probe(signal), signal);
      if (value !== undefined) return value;
      last = 'the last try found nothing yet';
    } catch (error) {
      if (error instanceof StopWaiting)
        throw new StopWaiting(`gave up waiting for ${what}: ${error.message}`);
      last = signal.aborted ? 'the last try was still running' : `the last try failed: ${errorText(error)}`;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, deadline - Date.now())));
  }
}

/** `promise`, or a rejection as soon as `signal` aborts, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

/** GET `url` and return the parsed JSON body, or undefined when the status is not 2xx. */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T | undefined> {
  const timeout = AbortSignal.timeout(5_000);
  const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  if (!response.ok) return undefined;
  return (await response.json()) as T;
}
