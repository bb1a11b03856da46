// @ts-check
import { metricPointsOf } from './otlp-json.mjs';

/**
 * The latest value of every exported metric stream (name and attributes), from OTLP/HTTP JSON metric exports:
 * cumulative points replace the previous value, delta points add to it. So `total()` is what a backend such as
 * Prometheus holds after the last export.
 */
export class MetricTotals {
  /** @type {Map<string, { name: string, attributes: Record<string, unknown>, value: number }>} */
  streams = new Map();
  /** Payloads that could not be read. */
  unreadable = 0;

  /**
   * Adds one OTLP/HTTP JSON metric export.
   *
   * @param {unknown} payload
   */
  addOtlpMetrics(payload) {
    try {
      for (const point of metricPointsOf(payload)) {
        // The openai and anthropic instrumentations both record e.g. the cost of `claude-sonnet-4-5`: one stream each.
        const key = `${point.name}\u0000${point.scope}\u0000${JSON.stringify(Object.entries(point.attributes).sort())}`;
        const previous = this.streams.get(key);
        const value = point.cumulative || previous === undefined ? point.value : previous.value + point.value;
        this.streams.set(key, { name: point.name, attributes: point.attributes, value });
      }
    } catch {
      this.unreadable++;
    }
  }

  /**
   * The sum over all streams of a metric (for a histogram: the sum of its recorded values).
   *
   * @param {string} name
   * @returns {number | undefined} undefined when the metric was never exported
   */
  total(name) {
    let total;
    for (const stream of this.streams.values()) {
      if (stream.name === name) total = (total ?? 0) + stream.value;
    }
    return total;
  }

  /**
   * A metric's total per value of one attribute, e.g. retries per `aiotel.retry.reason`.
   *
   * @param {string} name
   * @param {string} attribute
   * @returns {Record<string, number>}
   */
  totalBy(name, attribute) {
    /** @type {Record<string, number>} */
    const result = {};
    for (const stream of this.streams.values()) {
      if (stream.name !== name) continue;
      const key = String(stream.attributes[attribute] ?? '(none)');
      result[key] = (result[key] ?? 0) + stream.value;
    }
    return result;
  }
}
