// @ts-check
import { spansOf } from './otlp-json.mjs';

/**
 * Keeps the facts of every GenAI span (one per logical AI call) that the preload exported, so the demo's summary
 * is built from the telemetry itself, not from a second bookkeeping of its own.
 *
 * @typedef {import('./otlp-json.mjs').SpanFacts} SpanFacts
 */

/**
 * What one GenAI span says about its call.
 *
 * @typedef {object} CallRecord
 * @property {string} model `gen_ai.request.model`
 * @property {string} operation `gen_ai.operation.name`
 * @property {boolean} streaming `gen_ai.request.stream`
 * @property {number} durationS span duration in seconds
 * @property {number | undefined} timeToFirstChunkS `gen_ai.response.time_to_first_chunk`
 * @property {string | undefined} errorType `error.type` when the span status is ERROR
 * @property {number} inputTokens `gen_ai.usage.input_tokens` (cached included), 0 when unknown
 * @property {number} outputTokens `gen_ai.usage.output_tokens`, 0 when unknown
 * @property {number} cachedTokens `gen_ai.usage.cache_read.input_tokens`, 0 when unknown
 * @property {boolean} hasUsage whether the span carried token usage at all
 * @property {number | undefined} costUsd `gen_ai.usage.cost.amount`
 * @property {string | undefined} feature `app.feature`
 * @property {number} retries `aiotel.retry` events
 * @property {number} breakerOpens `aiotel.circuit_breaker.state_change` events to `open`
 * @property {number} fallbacks `aiotel.fallback` events
 */

/** @param {unknown} value */
const asNumber = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** @param {unknown} value */
const asString = (value) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Reads a GenAI span into a CallRecord; any other span (an HTTP attempt, a user span) gives `undefined`.
 *
 * @param {SpanFacts} span
 * @returns {CallRecord | undefined}
 */
export function toCallRecord(span) {
  const attributes = span.attributes;
  const operation = asString(attributes['gen_ai.operation.name']);
  if (operation === undefined) return undefined;
  let retries = 0;
  let breakerOpens = 0;
  let fallbacks = 0;
  for (const event of span.events) {
    if (event.name === 'aiotel.retry') retries++;
    else if (event.name === 'aiotel.fallback') fallbacks++;
    else if (
      event.name === 'aiotel.circuit_breaker.state_change' &&
      event.attributes['aiotel.circuit_breaker.state'] === 'open'
    ) {
      breakerOpens++;
    }
  }
  const inputTokens = asNumber(attributes['gen_ai.usage.input_tokens']);
  const outputTokens = asNumber(attributes['gen_ai.usage.output_tokens']);
  return {
    model: asString(attributes['gen_ai.request.model']) ?? 'unknown',
    operation,
    streaming: attributes['gen_ai.request.stream'] === true,
    durationS: span.durationS,
    timeToFirstChunkS: asNumber(attributes['gen_ai.response.time_to_first_chunk']),
    errorType: span.error ? (asString(attributes['error.type']) ?? '_OTHER') : undefined,
    inputTokens: inputTokens ?? 0,
    outputTokens: outputTokens ?? 0,
    cachedTokens: asNumber(attributes['gen_ai.usage.cache_read.input_tokens']) ?? 0,
    hasUsage: inputTokens !== undefined || outputTokens !== undefined,
    costUsd: asNumber(attributes['gen_ai.usage.cost.amount']),
    feature: asString(attributes['app.feature']),
    retries,
    breakerOpens,
    fallbacks,
  };
}

/** Collects a CallRecord per GenAI span of the exported trace payloads. Never throws. */
export class CallRecorder {
  /** @type {CallRecord[]} */
  records = [];
  /** Payloads that could not be read. */
  unreadable = 0;

  /**
   * Adds the GenAI spans of one OTLP/HTTP JSON trace export.
   *
   * @param {unknown} payload
   */
  addOtlpTraces(payload) {
    try {
      for (const span of spansOf(payload)) {
        const record = toCallRecord(span);
        if (record !== undefined) this.records.push(record);
      }
    } catch {
      this.unreadable++;
    }
  }
}
