export { withAttributes } from '@aiotel/instrumentation-openai/genai';
export { AnthropicInstrumentation, SUPPORTED_ANTHROPIC_VERSIONS } from './instrumentation.js';
export type { AnthropicInstrumentationConfig } from './types.js';
