import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import {
  CHUNK_INTERVAL_BUCKETS,
  COST_BUCKETS,
  DURATION_BUCKETS,
  METRIC_AIOTEL_GEN_AI_CLIENT_COST,
  METRIC_AIOTEL_GEN_AI_CLIENT_TOKENS,
  METRIC_AIOTEL_GEN_AI_CLIENT_UNPRICED_CALLS,
  METRIC_AIOTEL_GEN_AI_CLIENT_USAGE_UNKNOWN_CALLS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  TOKEN_BUCKETS,
} from './semconv.js';

/** The metric instruments of one meter. */
export interface Instruments {
  readonly duration: Histogram;
  readonly tokenUsage: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly timePerOutputChunk: Histogram;
  readonly tokens: Counter;
  readonly cost: Histogram;
  readonly unpricedCalls: Counter;
  readonly usageUnknownCalls: Counter;
}

/** Creates the instruments named in the shared telemetry contract, with their advised buckets. */
export function createInstruments(meter: Meter): Instruments {
  return {
    duration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    timeToFirstChunk: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
      description: 'Time from the request to the first chunk of a streamed response',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    timePerOutputChunk: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK, {
      description: 'Time between consecutive chunks of a streamed response, after the first',
      unit: 's',
      advice: { explicitBucketBoundaries: CHUNK_INTERVAL_BUCKETS },
    }),
    tokens: meter.createCounter(METRIC_AIOTEL_GEN_AI_CLIENT_TOKENS, {
      description:
        'Tokens by type: input and output, and their parts cache_read, cache_creation (of input) and reasoning (of output)',
      unit: '{token}',
    }),
    cost: meter.createHistogram(METRIC_AIOTEL_GEN_AI_CLIENT_COST, {
      description: 'Cost of a GenAI call in USD',
      unit: 'USD',
      advice: { explicitBucketBoundaries: COST_BUCKETS },
    }),
    unpricedCalls: meter.createCounter(METRIC_AIOTEL_GEN_AI_CLIENT_UNPRICED_CALLS, {
      description: 'Calls whose model has no known price (no cost recorded)',
      unit: '{call}',
    }),
    usageUnknownCalls: meter.createCounter(METRIC_AIOTEL_GEN_AI_CLIENT_USAGE_UNKNOWN_CALLS, {
      description: 'Calls answered without token usage (no tokens or cost recorded, not zero)',
      unit: '{call}',
    }),
  };
}
