export type { Fault } from './faults.js';
export { parseFault } from './faults.js';
export type { Latency } from './latency.js';
export type { FakeLlmOptions, FaultRates } from './options.js';
export type { RateLimits } from './rate-limits.js';
export type { RequestLogEntry, RequestOutcome } from './request-log.js';
export type { FakeLlm, FakeLlmStats } from './server.js';
export { startFakeLlm } from './server.js';
export { countTokens } from './tokens.js';
