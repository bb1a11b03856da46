import { AggregationTemporality, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** Batches held while one is in flight; only delta batches can pile up (a cumulative one replaces its elders). */
const MAX_WAITING = 16;

/**
 * Sends a process's metric batches one at a time, in the order they were collected. The collector turns cumulative
 * points into increases per process (`cumulative_to_delta`), and it takes a point older than the last one it saw as
 * a counter reset whose value becomes the new baseline: an export overtaken by the next one (a periodic export still
 * in flight, or retrying, when the next or the exit's flush goes out) counted the calls between the two twice. A
 * waiting batch whose points are all cumulative is dropped when a newer one comes: the newer carries everything.
 */
export class MetricSendQueue {
  readonly #send: (batch: ResourceMetrics, sent: () => void) => void;
  #waiting: ResourceMetrics[] = [];
  #busy = false;
  #idle: Array<() => void> = [];

  /** `send` must call `sent` once, whatever the outcome. */
  constructor(send: (batch: ResourceMetrics, sent: () => void) => void) {
    this.#send = send;
  }

  add(batch: ResourceMetrics): void {
    if (allCumulative(batch)) this.#waiting = this.#waiting.filter((waiting) => !allCumulative(waiting));
    this.#waiting.push(batch);
    if (this.#waiting.length > MAX_WAITING) this.#waiting.shift();
    this.#next();
  }

  /** Resolves once every batch added so far has been sent (or has failed). */
  drained(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #next(): void {
    if (this.#busy) return;
    const batch = this.#waiting.shift();
    if (batch === undefined) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    this.#busy = true;
    let sent = false;
    this.#send(batch, () => {
      if (sent) return;
      sent = true;
      this.#busy = false;
      this.#next();
    });
  }
}

function allCumulative(batch: ResourceMetrics): boolean {
  return batch.scopeMetrics.every((scope) =>
    scope.metrics.every((metric) => metric.aggregationTemporality === AggregationTemporality.CUMULATIVE),
  );
}
