import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { CallPricer, PriceOverrides } from './cost.js';

/**
 * Configuration of {@link OpenAIInstrumentation}. Every option has an environment variable; an option
 * given in code wins over the variable, the variable wins over the default. A bad value is reported
 * once through the OpenTelemetry diag logger and the default is used.
 */
export interface OpenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts and completions as `gen_ai.input.messages`, `gen_ai.output.messages` and
   * `gen_ai.system_instructions` (JSON, GenAI conventions v1.41.0).
   * Env: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`. Default: `false`.
   */
  captureMessageContent?: boolean;
  /**
   * Longest captured content attribute, in characters; longer values are cut and end with
   * `…[truncated]`. Env: `AIOTEL_GENAI_CONTENT_MAX_LENGTH`. Default: `16384`.
   */
  contentMaxLength?: number;
  /**
   * Ask for `stream_options.include_usage` on streamed chat completions when the caller did not, so
   * streamed token usage and cost are never lost; the extra usage-only chunk is hidden from the caller.
   * Turn off for servers that reject the parameter. Env: `AIOTEL_GENAI_INJECT_STREAM_USAGE=false`.
   * Default: `true`.
   */
  injectStreamUsage?: boolean;
  /**
   * `gen_ai.provider.name` for every call, instead of inferring it from the base URL and model.
   * Env: `AIOTEL_GENAI_PROVIDER`. Default: inferred (see README).
   */
  providerName?: string;
  /**
   * Business attribute keys (set with `withAttributes()`) that may also go on metrics, e.g.
   * `['app.feature', 'app.tenant']`. Other keys only reach spans. Values are cut to 64 characters.
   * Env: `AIOTEL_METRIC_ATTRIBUTES=app.feature,app.tenant`. Default: none.
   */
  metricAttributes?: readonly string[];
  /**
   * Prices the calls. Default: a pricer from `@aiotel/cost` built with {@link prices}.
   */
  pricer?: CallPricer;
  /**
   * Price overrides (USD per million tokens) passed to `@aiotel/cost`'s `createPricer`; ignored when
   * {@link pricer} is given. Default: none (the `@pydantic/genai-prices` table and
   * `AIOTEL_PRICES_FILE`).
   */
  prices?: PriceOverrides;
}
