import { type TimeoutPolicy, TimeoutStrategy, timeout } from 'cockatiel';

/**
 * The per-attempt cockatiel timeout. Cooperative: it aborts the attempt's signal (the fetch ends with an
 * abort) instead of abandoning a running request; `abortOnReturn: false` so a returned stream keeps flowing.
 */
export function attemptTimeout(ms: number): TimeoutPolicy {
  return timeout(ms, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false });
}
