// `@aiotel/instrumentation-openai/genai`: the GenAI rules every aiotel SDK instrumentation shares (span and metric
// recording, settings, cost, content capture, attribution, error.type, SDK promise and stream observers), for the
// thin per-SDK patchers such as `@aiotel/instrumentation-anthropic`. Not a user API.
import type { DiagLogger, Tracer } from '@opentelemetry/api';
import type { Telemetry } from './call.js';
import { CallCosting } from './cost.js';
import type { Instruments } from './metrics.js';
import { resolveSettings } from './settings.js';
import type { OpenAIInstrumentationConfig } from './types.js';

export { currentBusinessAttributes, withAttributes } from './attribution.js';
export type { Telemetry } from './call.js';
export { contentAttribute, type GenAIMessage } from './content.js';
export { CallCosting, type CallPricer, type PriceOverrides } from './cost.js';
export { errorType } from './errors.js';
export { createInstruments, type Instruments } from './metrics.js';
export { GenAICallRecorder, type RecordedCallStart } from './recorder.js';
export {
  type CreatePatch,
  type ObservedCall,
  observeSdkPromise,
  observeSdkStream,
  patchedSdkCreate,
  type StartedCall,
} from './sdk-create.js';
export * from './semconv.js';
export { resolveSettings, type Settings } from './settings.js';
export type { ResponseSummary } from './summary.js';

/** What an instrumentation's calls need, from its config (the openai options and environment variables). */
export function createTelemetry(
  config: Omit<OpenAIInstrumentationConfig, 'injectStreamUsage'>,
  tracer: Tracer,
  instruments: Instruments,
  diag: DiagLogger,
): Telemetry {
  return {
    tracer,
    instruments,
    settings: resolveSettings(config),
    costing: new CallCosting(config.pricer, config.prices),
    diag,
  };
}
