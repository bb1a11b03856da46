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
  isStreamInterruptedError,
  isStreamTruncatedError,
  RESILIENCE_ERROR,
  ResilienceError,
  type ResilienceErrorKind,
  RetryAfterTooLongError,
  StreamInterruptedError,
  type StreamInterruption,
  StreamTruncatedError,
} from './errors.js';
export type {
  BreakerKeyInput,
  BudgetOptions,
  BudgetPricer,
  BulkheadOptions,
  CircuitBreakerOptions,
  FallbackOptions,
  ResilienceOptions,
  RetryOptions,
  TimeoutOptions,
} from './options.js';
export { type ClientWithOptions, resilient } from './resilient.js';
export { FALLBACK_FROM_HEADER, RETRY_COUNT_HEADER } from './resilient-fetch.js';
export { ATTR, EVENT, METER_NAME, METRIC } from './telemetry.js';
export { unwrapRefusal } from './typed-errors.js';
