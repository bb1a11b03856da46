/**
 * A p-limit-style concurrency limiter: at most `limit` tasks run at once, the rest wait in order. The
 * harness puts it in front of variants without `@aiotel/resilience`, so that every variant does the same
 * work in the concurrent workload (the resilient ones use their own bulkhead of the same size instead).
 */
export function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  const next = (): void => {
    active--;
    const wake = waiting.shift();
    if (wake) {
      active++;
      wake();
    }
  };
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = (): Promise<T> => {
      let result: Promise<T>;
      try {
        result = task();
      } catch (err) {
        result = Promise.reject(err);
      }
      return result.finally(next);
    };
    if (active < limit) {
      active++;
      return run();
    }
    return new Promise<T>((resolve, reject) => {
      waiting.push(() => {
        run().then(resolve, reject);
      });
    });
  };
}
