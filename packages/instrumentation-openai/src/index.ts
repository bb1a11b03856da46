export {
  type BusinessAttributes,
  type BusinessAttributeValue,
  METRIC_ATTRIBUTE_MAX_LENGTH,
  withAttributes,
} from './attribution.js';
export type { CallPricer, PriceOverrides } from './cost.js';
export { isOpenAIInstrumented, OpenAIInstrumentation, SUPPORTED_OPENAI_VERSIONS } from './instrumentation.js';
export * from './semconv.js';
export { INSTRUMENTATION_SETTINGS } from './settings.js';
export type { OpenAIInstrumentationConfig } from './types.js';
