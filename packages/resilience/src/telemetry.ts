import {
  type Attributes,
  type Counter,
  diag,
  type Gauge,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type Span,
  type UpDownCounter,
} from '@opentelemetry/api';

/** Meter name of every metric this package records. */
export const METER_NAME = '@aiotel/resilience';

/** Metric names (see the README for units and attributes). */
export const METRIC = {
  retries: 'aiotel.resilience.retries',
  retryWait: 'aiotel.resilience.retry.wait',
  breakerState: 'aiotel.resilience.circuit_breaker.state',
  breakerOpens: 'aiotel.resilience.circuit_breaker.opens',
  bulkheadInFlight: 'aiotel.resilience.bulkhead.in_flight',
  bulkheadQueued: 'aiotel.resilience.bulkhead.queued',
  bulkheadQueueWait: 'aiotel.resilience.bulkhead.queue_wait',
  bulkheadRejections: 'aiotel.resilience.bulkhead.rejections',
  fallbacks: 'aiotel.resilience.fallbacks',
  budgetSpent: 'aiotel.resilience.budget.spent',
  budgetRefusals: 'aiotel.resilience.budget.refusals',
} as const;

/** Span event names, added to the active span (the GenAI span of the call). */
export const EVENT = {
  retry: 'aiotel.retry',
  breakerStateChange: 'aiotel.circuit_breaker.state_change',
  bulkheadQueued: 'aiotel.bulkhead.queued',
  bulkheadRejected: 'aiotel.bulkhead.rejected',
  fallback: 'aiotel.fallback',
  budgetRefused: 'aiotel.budget.refused',
  streamTruncated: 'aiotel.stream.truncated',
} as const;

/** Attribute names on events and metrics. */
export const ATTR = {
  policyKey: 'aiotel.policy.key',
  requestModel: 'gen_ai.request.model',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  retryAttempt: 'aiotel.retry.attempt',
  retryReason: 'aiotel.retry.reason',
  retryDelayMs: 'aiotel.retry.delay_ms',
  breakerState: 'aiotel.circuit_breaker.state',
  bulkheadWaitMs: 'aiotel.bulkhead.wait_ms',
  fallbackFrom: 'aiotel.fallback.from_model',
  fallbackTo: 'aiotel.fallback.to_model',
  fallbackReason: 'aiotel.fallback.reason',
  budgetSpentUsd: 'aiotel.budget.spent_usd',
  budgetLimitUsd: 'aiotel.budget.limit_usd',
  streamExpected: 'aiotel.stream.expected_event',
} as const;

/** Breaker states as the gauge records them and as the state-change event names them. */
export type BreakerStateName = 'closed' | 'open' | 'half_open';
const BREAKER_GAUGE: Record<BreakerStateName, number> = { closed: 0, open: 1, half_open: 2 };

/** What telemetry knows of a call: the span its events go to, and the bounded attributes of its metrics. */
export interface CallAttributes {
  /** The span active when the SDK called fetch (the GenAI span), captured so stream events land on it too. */
  readonly span: Span | undefined;
  readonly server: string;
  /** `server.address` (host) and `server.port` of the request, frozen and shared per URL. */
  readonly serverAttributes: Attributes;
  readonly model: string | undefined;
  readonly key: string;
}

interface Instruments {
  readonly retries: Counter;
  readonly retryWait: Histogram;
  readonly breakerState: Gauge;
  readonly breakerOpens: Counter;
  readonly inFlight: UpDownCounter;
  readonly queued: UpDownCounter;
  readonly queueWait: Histogram;
  readonly rejections: Counter;
  readonly fallbacks: Counter;
  readonly budgetSpent: Gauge;
  readonly budgetRefusals: Counter;
}

function create(meter: Meter): Instruments {
  return {
    retries: meter.createCounter(METRIC.retries, { unit: '{retry}', description: 'Retries, by reason' }),
    retryWait: meter.createHistogram(METRIC.retryWait, {
      unit: 's',
      description: 'Wait before a retry (backoff or Retry-After)',
      advice: { explicitBucketBoundaries: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64] },
    }),
    breakerState: meter.createGauge(METRIC.breakerState, {
      unit: '1',
      description: 'Circuit breaker state per key: 0 closed, 1 open, 2 half-open',
    }),
    breakerOpens: meter.createCounter(METRIC.breakerOpens, {
      unit: '{open}',
      description: 'Circuit breaker opens',
    }),
    inFlight: meter.createUpDownCounter(METRIC.bulkheadInFlight, {
      unit: '{request}',
      description: 'Calls holding a bulkhead slot',
    }),
    queued: meter.createUpDownCounter(METRIC.bulkheadQueued, {
      unit: '{request}',
      description: 'Calls waiting for a bulkhead slot',
    }),
    queueWait: meter.createHistogram(METRIC.bulkheadQueueWait, {
      unit: 's',
      description: 'Time a call waited for a bulkhead slot',
      advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60] },
    }),
    rejections: meter.createCounter(METRIC.bulkheadRejections, {
      unit: '{request}',
      description: 'Calls rejected because the bulkhead queue was full',
    }),
    fallbacks: meter.createCounter(METRIC.fallbacks, {
      unit: '{fallback}',
      description: 'Calls sent to a fallback model',
    }),
    budgetSpent: meter.createGauge(METRIC.budgetSpent, {
      unit: 'USD',
      description: 'Spend in the current budget window',
    }),
    budgetRefusals: meter.createCounter(METRIC.budgetRefusals, {
      unit: '{call}',
      description: 'Calls refused because the budget was spent',
    }),
  };
}

let cachedProvider: MeterProvider | undefined;
let cachedInstruments: Instruments | undefined;

/** Instruments of the current global MeterProvider (re-created when an SDK is installed later). */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (provider !== cachedProvider || !cachedInstruments) {
    cachedInstruments = create(provider.getMeter(METER_NAME));
    cachedProvider = provider;
  }
  return cachedInstruments;
}

/** Runs telemetry code; a failure is logged through the OTel diag logger and never reaches the call. */
function guard(what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    diag.error(`@aiotel/resilience: recording ${what} failed`, err);
  }
}

function event(span: Span | undefined, name: string, attributes: Attributes): void {
  span?.addEvent(name, attributes);
}

function metricAttributes(call: CallAttributes, extra?: Attributes): Attributes {
  const attributes: Attributes = { ...call.serverAttributes, [ATTR.policyKey]: call.key, ...extra };
  if (call.model !== undefined) attributes[ATTR.requestModel] = call.model;
  return attributes;
}

/** Records policy decisions as span events on the active span and as metrics, through `@opentelemetry/api` only. */
export const telemetry = {
  retry(call: CallAttributes, attempt: number, reason: string, delayMs: number): void {
    guard('a retry', () => {
      event(call.span, EVENT.retry, {
        [ATTR.retryAttempt]: attempt,
        [ATTR.retryReason]: reason,
        [ATTR.retryDelayMs]: Math.round(delayMs),
      });
      const attributes = metricAttributes(call, { [ATTR.retryReason]: reason });
      const i = instruments();
      i.retries.add(1, attributes);
      i.retryWait.record(delayMs / 1000, attributes);
    });
  },

  breakerState(
    span: Span | undefined,
    breaker: CallAttributes,
    state: BreakerStateName,
    opened: boolean,
  ): void {
    guard('a circuit breaker state', () => {
      event(span, EVENT.breakerStateChange, { [ATTR.policyKey]: breaker.key, [ATTR.breakerState]: state });
      const i = instruments();
      const attributes = metricAttributes(breaker);
      i.breakerState.record(BREAKER_GAUGE[state], attributes);
      if (opened) i.breakerOpens.add(1, attributes);
    });
  },

  /** A new breaker starts closed; recorded without an event, so the gauge has a series from the start. */
  breakerCreated(breaker: CallAttributes): void {
    guard('a circuit breaker state', () => instruments().breakerState.record(0, metricAttributes(breaker)));
  },

  bulkheadQueued(call: CallAttributes, delta: 1 | -1): void {
    guard('the bulkhead queue', () => instruments().queued.add(delta, call.serverAttributes));
  },

  bulkheadInFlight(call: CallAttributes, delta: 1 | -1): void {
    guard('bulkhead in-flight', () => instruments().inFlight.add(delta, call.serverAttributes));
  },

  bulkheadSlot(call: CallAttributes, waitedMs: number, wasQueued: boolean): void {
    guard('a bulkhead wait', () => {
      if (wasQueued) event(call.span, EVENT.bulkheadQueued, { [ATTR.bulkheadWaitMs]: Math.round(waitedMs) });
      instruments().queueWait.record(waitedMs / 1000, call.serverAttributes);
    });
  },

  bulkheadRejected(call: CallAttributes): void {
    guard('a bulkhead rejection', () => {
      event(call.span, EVENT.bulkheadRejected, {});
      instruments().rejections.add(1, call.serverAttributes);
    });
  },

  fallback(call: CallAttributes, to: string, reason: string): void {
    guard('a fallback', () => {
      const from = call.model ?? '';
      event(call.span, EVENT.fallback, {
        [ATTR.fallbackFrom]: from,
        [ATTR.fallbackTo]: to,
        [ATTR.fallbackReason]: reason,
      });
      instruments().fallbacks.add(1, {
        ...call.serverAttributes,
        [ATTR.fallbackFrom]: from,
        [ATTR.fallbackTo]: to,
      });
    });
  },

  budgetSpent(spentUsd: number): void {
    guard('the budget spend', () => instruments().budgetSpent.record(spentUsd));
  },

  budgetRefused(call: CallAttributes, spentUsd: number, limitUsd: number): void {
    guard('a budget refusal', () => {
      event(call.span, EVENT.budgetRefused, {
        [ATTR.budgetSpentUsd]: spentUsd,
        [ATTR.budgetLimitUsd]: limitUsd,
      });
      instruments().budgetRefusals.add(1, metricAttributes(call));
    });
  },

  streamTruncated(span: Span | undefined, expected: string): void {
    guard('a truncated stream', () =>
      event(span, EVENT.streamTruncated, { [ATTR.streamExpected]: expected }),
    );
  },
};
