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
  trace,
  type UpDownCounter,
} from '@opentelemetry/api';
import type { BreakerStateName, CallAttributes } from './call.js';
import type { PolicyEvents } from './events.js';

export type { BreakerStateName, CallAttributes } from './call.js';

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
  rateLimitWait: 'aiotel.resilience.rate_limit.wait',
  providerWindowHold: 'aiotel.resilience.provider_window.hold',
  providerWindowSpent: 'aiotel.resilience.provider_window.spent',
  storeDuration: 'aiotel.resilience.store.duration',
  storeErrors: 'aiotel.resilience.store.errors',
  storeOutages: 'aiotel.resilience.store.outages',
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
  rateLimitWait: 'aiotel.rate_limit.wait',
  providerWindowHold: 'aiotel.provider_window.hold',
  providerWindowSpent: 'aiotel.provider_window.spent',
  storeUnavailable: 'aiotel.store.unavailable',
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
  policyScope: 'aiotel.policy.scope',
  rateLimitKind: 'aiotel.rate_limit.kind',
  waitMs: 'aiotel.wait_ms',
  windowKind: 'aiotel.provider_window.kind',
  windowResetMs: 'aiotel.provider_window.reset_ms',
  storeOperation: 'aiotel.store.operation',
  errorType: 'error.type',
} as const;

const BREAKER_GAUGE: Record<BreakerStateName, number> = { closed: 0, open: 1, half_open: 2 };

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
  readonly rateLimitWait: Histogram;
  readonly providerWindowHold: Histogram;
  readonly providerWindowSpent: Counter;
  readonly storeDuration: Histogram;
  readonly storeErrors: Counter;
  readonly storeOutages: Counter;
}

const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60];

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
    rateLimitWait: meter.createHistogram(METRIC.rateLimitWait, {
      unit: 's',
      description: 'Time a call waited for rate-limit capacity (calls that waited)',
      advice: { explicitBucketBoundaries: WAIT_BUCKETS },
    }),
    providerWindowHold: meter.createHistogram(METRIC.providerWindowHold, {
      unit: 's',
      description: "Time a call was held because the provider's rate-limit window was spent",
      advice: { explicitBucketBoundaries: WAIT_BUCKETS },
    }),
    providerWindowSpent: meter.createCounter(METRIC.providerWindowSpent, {
      unit: '{response}',
      description:
        "Responses saying the provider's rate-limit window is spent (remaining 0, or a 429 with retry-after)",
    }),
    storeDuration: meter.createHistogram(METRIC.storeDuration, {
      unit: 's',
      description: 'Duration of operations on the shared store',
      advice: {
        explicitBucketBoundaries: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      },
    }),
    storeErrors: meter.createCounter(METRIC.storeErrors, {
      unit: '{operation}',
      description: 'Operations on the shared store that failed or missed their deadline',
    }),
    storeOutages: meter.createCounter(METRIC.storeOutages, {
      unit: '{outage}',
      description: 'Times the shared store became unavailable (the policies fell back)',
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
    recordingFailed(what, err);
  }
}

function recordingFailed(what: string, err: unknown): void {
  diag.error(`@aiotel/resilience: recording ${what} failed`, err);
}

function event(span: Span | undefined, name: string, attributes: Attributes): void {
  span?.addEvent(name, attributes);
}

function metricAttributes(call: CallAttributes, extra?: Attributes): Attributes {
  const attributes: Attributes = { ...call.serverAttributes, [ATTR.policyKey]: call.key, ...extra };
  if (call.model !== undefined) attributes[ATTR.requestModel] = call.model;
  return attributes;
}

const SCOPE = {
  process: Object.freeze({ [ATTR.policyScope]: 'process' }),
  shared: Object.freeze({ [ATTR.policyScope]: 'shared' }),
};

/** Per store operation: its attributes, built once. */
const operationAttributes = new Map<string, Attributes>();
function operation(name: string): Attributes {
  let attributes = operationAttributes.get(name);
  if (attributes === undefined) {
    attributes = Object.freeze({ [ATTR.storeOperation]: name });
    operationAttributes.set(name, attributes);
  }
  return attributes;
}

const subscribed = new WeakSet<PolicyEvents>();

/**
 * Records the policies' events as span events (on the call's span, or the span active when the store was used) and
 * metrics, through `@opentelemetry/api` only. Subscribes once per emitter.
 */
export function subscribeTelemetry(events: PolicyEvents): void {
  if (subscribed.has(events)) return;
  subscribed.add(events);

  events.on('retry', (call, attempt, reason, delayMs) =>
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
    }),
  );

  // Breaker events come synchronously inside the call that caused the change: the active span is that call's.
  events.on('breakerState', (call, state, opened) =>
    guard('a circuit breaker state', () => {
      event(trace.getActiveSpan() ?? call.span, EVENT.breakerStateChange, {
        [ATTR.policyKey]: call.key,
        [ATTR.breakerState]: state,
      });
      const i = instruments();
      const attributes = metricAttributes(call);
      i.breakerState.record(BREAKER_GAUGE[state], attributes);
      if (opened) i.breakerOpens.add(1, attributes);
    }),
  );

  // A new breaker starts closed; recorded without an event, so the gauge has a series from the start.
  events.on('breakerCreated', (call) =>
    guard('a circuit breaker state', () => instruments().breakerState.record(0, metricAttributes(call))),
  );

  // Recorded per call (and per queued call): guarded inline, without a closure each time.
  events.on('bulkheadQueued', (call, delta) => {
    try {
      instruments().queued.add(delta, call.serverAttributes);
    } catch (err) {
      recordingFailed('the bulkhead queue', err);
    }
  });

  events.on('bulkheadInFlight', (call, delta) => {
    try {
      instruments().inFlight.add(delta, call.serverAttributes);
    } catch (err) {
      recordingFailed('bulkhead in-flight', err);
    }
  });

  events.on('bulkheadSlot', (call, waitedMs, wasQueued, shared) => {
    try {
      if (wasQueued) {
        event(call.span, EVENT.bulkheadQueued, {
          [ATTR.bulkheadWaitMs]: Math.round(waitedMs),
          [ATTR.policyScope]: shared ? 'shared' : 'process',
        });
      }
      instruments().queueWait.record(waitedMs / 1000, call.serverAttributes);
    } catch (err) {
      recordingFailed('a bulkhead wait', err);
    }
  });

  events.on('bulkheadRejected', (call) =>
    guard('a bulkhead rejection', () => {
      event(call.span, EVENT.bulkheadRejected, {});
      instruments().rejections.add(1, call.serverAttributes);
    }),
  );

  events.on('fallback', (call, to, reason) =>
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
    }),
  );

  events.on('budgetSpent', (spentUsd) =>
    guard('the budget spend', () => instruments().budgetSpent.record(spentUsd)),
  );

  events.on('budgetRefused', (call, spentUsd, limitUsd) =>
    guard('a budget refusal', () => {
      event(call.span, EVENT.budgetRefused, {
        [ATTR.budgetSpentUsd]: spentUsd,
        [ATTR.budgetLimitUsd]: limitUsd,
      });
      instruments().budgetRefusals.add(1, metricAttributes(call));
    }),
  );

  events.on('rateLimitWait', (call, kind, waitedMs, shared) =>
    guard('a rate-limit wait', () => {
      const scope = shared ? SCOPE.shared : SCOPE.process;
      event(call.span, EVENT.rateLimitWait, {
        [ATTR.rateLimitKind]: kind,
        [ATTR.waitMs]: Math.round(waitedMs),
        ...scope,
      });
      instruments().rateLimitWait.record(waitedMs / 1000, {
        ...call.serverAttributes,
        ...scope,
        [ATTR.rateLimitKind]: kind,
      });
    }),
  );

  events.on('providerWindowHold', (call, waitedMs) =>
    guard('a provider window hold', () => {
      event(call.span, EVENT.providerWindowHold, { [ATTR.waitMs]: Math.round(waitedMs) });
      instruments().providerWindowHold.record(waitedMs / 1000, metricAttributes(call));
    }),
  );

  events.on('providerWindowSpent', (call, kind, untilMs) =>
    guard('a spent provider window', () => {
      event(call.span, EVENT.providerWindowSpent, {
        [ATTR.windowKind]: kind,
        [ATTR.windowResetMs]: Math.max(0, Math.round(untilMs - Date.now())),
      });
      instruments().providerWindowSpent.add(1, metricAttributes(call, { [ATTR.windowKind]: kind }));
    }),
  );

  events.on('streamTruncated', (call, expected) =>
    guard('a truncated stream', () =>
      event(call.span, EVENT.streamTruncated, { [ATTR.streamExpected]: expected }),
    ),
  );

  events.on('storeOperation', (name, durationMs, failed) =>
    guard('a store operation', () => {
      const i = instruments();
      i.storeDuration.record(durationMs / 1000, operation(name));
      if (failed) i.storeErrors.add(1, operation(name));
    }),
  );

  events.on('storeUnavailable', (name, error, first) =>
    guard('a store outage', () => {
      event(trace.getActiveSpan(), EVENT.storeUnavailable, {
        [ATTR.storeOperation]: name,
        [ATTR.errorType]: errorTypeOf(error),
      });
      if (first) instruments().storeOutages.add(1);
    }),
  );
}

function errorTypeOf(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[A-Za-z]{1,64}$/.test(name) ? name : '_OTHER';
}
