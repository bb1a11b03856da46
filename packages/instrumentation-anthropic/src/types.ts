import type { CallPricer, PriceOverrides } from '@aiotel/instrumentation-openai/genai';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * Configuration of {@link AnthropicInstrumentation}: the same options and environment variables as
 * `@aiotel/instrumentation-openai` (one setting covers both SDKs). An option given in code wins over the variable,
 * the variable over the default; a bad value is reported once through the diag logger and the default is used.
 */
export interface AnthropicInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts, `system` and answers as `gen_ai.input.messages`, `gen_ai.system_instructions` and
   * `gen_ai.output.messages` (JSON, GenAI conventions v1.41.0).
   * Env: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`. Default: `false`.
   */
  captureMessageContent?: boolean;
  /** Longest captured content attribute, in characters. Env: `AIOTEL_GENAI_CONTENT_MAX_LENGTH`. Default: `16384`. */
  contentMaxLength?: number;
  /** `gen_ai.provider.name` for every call. Env: `AIOTEL_GENAI_PROVIDER`. Default: `anthropic`. */
  providerName?: string;
  /**
   * `withAttributes()` keys that may also go on metrics, e.g. `['app.feature']`.
   * Env: `AIOTEL_METRIC_ATTRIBUTES`. Default: none.
   */
  metricAttributes?: readonly string[];
  /** Prices the calls. Default: a pricer from `@aiotel/cost` built with {@link prices}. */
  pricer?: CallPricer;
  /** Price overrides (USD per million tokens); ignored when {@link pricer} is given. Default: none. */
  prices?: PriceOverrides;
}
