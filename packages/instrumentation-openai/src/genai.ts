// `@aiotel/instrumentation-openai/genai`: the GenAI rules every aiotel SDK instrumentation shares (span and metric
// recording, settings, cost, content capture, attribution, error.type, SDK promise and stream observers), for the
// thin per-SDK patchers such as `@aiotel/instrumentation-anthropic`. Not a user API.
export { currentBusinessAttributes, withAttributes } from './attribution.js';
export { contentAttribute, type GenAIMessage } from './content.js';
export { CallCosting, type CallPricer, type PriceOverrides } from './cost.js';
export { errorType } from './errors.js';
export { GenAIInstrumentationBase, type GenAIInstrumentationConfig } from './genai-instrumentation.js';
export { createInstruments, type Instruments } from './metrics.js';
export { GenAICallRecorder, type RecordedCallStart, type StreamSummaryReader } from './recorder.js';
export {
  type CreatePatch,
  type ObservedCall,
  observeSdkPromise,
  observeSdkStream,
  patchedSdkCreate,
  type StartedCall,
} from './sdk-create.js';
export * from './semconv.js';
export { type ServerAttributes, serverAttributes } from './server.js';
export { resolveSettings, type Settings } from './settings.js';
export { type ResponseSummary, stringOr } from './summary.js';
export type { Telemetry } from './telemetry.js';
