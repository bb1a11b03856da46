/** Slack for the time between a request being let through and reaching the server, on a loaded machine. */
export const JIT_MS = 150;

/** The most requests that arrived within any `windowMs` (epoch ms arrivals, any order). */
export function mostInAnyWindow(arrivals: readonly number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
