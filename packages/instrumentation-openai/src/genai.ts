// `@aiotel/instrumentation-openai/genai`: the GenAI rules every aiotel SDK instrumentation shares (span and metric
// recording, settings, cost, content capture, attribution, error.type, SDK promise and stream observers), for the
// thin per-SDK patchers such as `@aiotel/instrumentation-anthropic`. Not a user API.
import { isApiPromise, observeApiPromise } from './api-promise.js';
import type { GenAICall } from './call.js';
import { observeStream } from './stream.js';

export { currentBusinessAttributes, withAttributes } from './attribution.js';
export type { Telemetry } from './call.js';
export { contentAttribute, type GenAIMessage } from './content.js';
export { CallCosting, type CallPricer, type PriceOverrides } from './cost.js';
export { errorType } from './errors.js';
export { createInstruments, type Instruments } from './metrics.js';
export { GenAICallRecorder, type RecordedCallStart } from './recorder.js';
export * from './semconv.js';
export { resolveSettings, type Settings } from './settings.js';
export type { ResponseSummary } from './summary.js';

/** What the SDK promise and stream observers call on a call; each SDK's call class implements it. */
export type ObservedCall = Pick<
  GenAICall,
  'onResult' | 'fail' | 'rawResponseTaken' | 'readChunk' | 'streamEnded' | 'streamClosed'
>;

/**
 * Observe a generated SDK's (Stainless) `APIPromise` in place, as the openai patcher does: parsed result, failure, raw
 * response and derived promises all reach `call`. Returns false when `result` is not such a promise.
 */
export function observeSdkPromise(result: unknown, call: ObservedCall): boolean {
  if (!isApiPromise(result)) return false;
  // The observers use only ObservedCall's methods; their signatures still name GenAICall.
  observeApiPromise(result, call as GenAICall);
  return true;
}

/** Observe a generated SDK's `Stream` in place: every way of reading it passes chunks through `call`. */
export function observeSdkStream(
  stream: { iterator: (...args: unknown[]) => AsyncIterator<unknown> },
  call: ObservedCall,
): void {
  observeStream(stream, call as GenAICall);
}
