export {
  AttemptTimeoutError,
  BudgetExceededError,
  BulkheadRejectedError,
  CircuitOpenError,
  isAttemptTimeoutError,
  isBudgetExceededError,
  isBulkheadRejectedError,
  isCircuitOpenError,
  isResilienceError,
  isRetryAfterTooLongError,
  isStoreUnavailableError,
  isStreamInterruptedError,
  isStreamTruncatedError,
  RESILIENCE_ERROR,
  ResilienceError,
  type ResilienceErrorKind,
  RetryAfterTooLongError,
  StoreUnavailableError,
  StreamInterruptedError,
  type StreamInterruption,
  StreamTruncatedError,
} from './errors.js';
export { type PolicyEventMap, PolicyEvents } from './events.js';
export type {
  BreakerKeyInput,
  BudgetOptions,
  BudgetPricer,
  BulkheadOptions,
  CircuitBreakerOptions,
  FallbackOptions,
  ProviderWindowOptions,
  RateLimitOptions,
  ResilienceOptions,
  RetryOptions,
  TimeoutOptions,
} from './options.js';
export { type ClientWithOptions, resilient } from './resilient.js';
export { FALLBACK_FROM_HEADER, POLICY_ORDER, RETRY_COUNT_HEADER } from './resilient-fetch.js';
export type { StoreUnavailableMode } from './store/guarded-store.js';
export { BUCKETS_PER_WINDOW, bucketEnd, MemoryStore } from './store/memory-store.js';
export { type BreakerRecord, CLOSED, type ResilienceStore } from './store/store.js';
export { ATTR, EVENT, METER_NAME, METRIC } from './telemetry.js';
export { unwrapRefusal } from './typed-errors.js';
