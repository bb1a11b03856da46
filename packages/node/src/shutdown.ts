import { diag } from '@opentelemetry/api';

/** The two things shutdown handling needs from the running SDK. */
export interface Flushable {
  /** Exports what is pending and keeps running. */
  forceFlush(): Promise<void>;
  /** Exports what is pending and stops (idempotent). */
  shutdown(): Promise<void>;
}

/** Signals after which pending telemetry is flushed. */
export const FLUSH_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Runs `work` but gives up waiting after `timeoutMillis`; resolves true when the work finished in time.
 * Never rejects: a failed flush is logged, the app goes on. With `keepAlive` false the timer does not by itself
 * keep the process running.
 */
export function withinTimeout(
  work: () => Promise<void>,
  timeoutMillis: number,
  keepAlive = true,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      diag.warn(
        `flushing telemetry took longer than ${timeoutMillis} ms (AIOTEL_SHUTDOWN_TIMEOUT_MS); is the collector ` +
          'reachable? Giving up on the pending telemetry so that the app is not held up.',
      );
      resolve(false);
    }, timeoutMillis);
    if (!keepAlive) timer.unref();
    let pending: Promise<void>;
    try {
      pending = work();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      (error: unknown) => {
        clearTimeout(timer);
        diag.warn('flushing telemetry failed:', error);
        resolve(true);
      },
    );
  });
}

/**
 * Flushes telemetry when the process is about to end, then lets it end the way it would have without us:
 * - normal exit (`beforeExit`): shut down (bounded); if that times out, exit with the app's `process.exitCode`
 *   rather than wait for a hung collector connection;
 * - SIGTERM / SIGINT with no other listener: shut down (bounded), then re-raise the signal so the exit status is
 *   the signal's, as without the preload; a second signal while flushing re-raises at once;
 * - SIGTERM / SIGINT when the app has its own listener: only flush; the app keeps control of whether and when to exit.
 * Returns a function that removes the handlers.
 */
export function handleProcessExit(telemetry: Flushable, timeoutMillis: number): () => void {
  let stopping = false;

  const onBeforeExit = (): void => {
    if (stopping) return;
    stopping = true;
    void withinTimeout(() => telemetry.shutdown(), timeoutMillis).then((done) => {
      if (!done) process.exit();
    });
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    const appListens = process.listenerCount(signal) > 1;
    if (appListens) {
      // The app decides when to exit; if it does, beforeExit finishes the job.
      void withinTimeout(() => telemetry.forceFlush(), timeoutMillis, false);
      return;
    }
    if (stopping) {
      reraise(signal);
      return;
    }
    stopping = true;
    void withinTimeout(() => telemetry.shutdown(), timeoutMillis).then(() => reraise(signal));
  };

  const reraise = (signal: NodeJS.Signals): void => {
    dispose();
    process.kill(process.pid, signal);
  };

  const dispose = (): void => {
    process.removeListener('beforeExit', onBeforeExit);
    for (const signal of FLUSH_SIGNALS) process.removeListener(signal, onSignal);
  };

  process.on('beforeExit', onBeforeExit);
  for (const signal of FLUSH_SIGNALS) process.on(signal, onSignal);
  return dispose;
}
