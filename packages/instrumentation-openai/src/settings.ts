import { diag } from '@opentelemetry/api';
import type { OpenAIInstrumentationConfig } from './types.js';

/** The configuration after environment variables and defaults were applied; read on every call. */
export interface Settings {
  readonly captureMessageContent: boolean;
  readonly contentMaxLength: number;
  readonly injectStreamUsage: boolean;
  readonly providerName: string | undefined;
  readonly metricAttributes: ReadonlySet<string>;
}

const DEFAULT_CONTENT_MAX_LENGTH = 16 * 1024;

/** Applies environment variables and defaults to the user's config; never throws. */
export function resolveSettings(
  config: OpenAIInstrumentationConfig,
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  return {
    captureMessageContent:
      config.captureMessageContent ??
      readBoolean(env, 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', false),
    contentMaxLength: positiveInteger(
      config.contentMaxLength,
      'contentMaxLength',
      env.AIOTEL_GENAI_CONTENT_MAX_LENGTH,
      'AIOTEL_GENAI_CONTENT_MAX_LENGTH',
    ),
    injectStreamUsage: config.injectStreamUsage ?? readBoolean(env, 'AIOTEL_GENAI_INJECT_STREAM_USAGE', true),
    providerName: nonEmpty(config.providerName) ?? nonEmpty(env.AIOTEL_GENAI_PROVIDER),
    metricAttributes: new Set(
      (config.metricAttributes ?? (env.AIOTEL_METRIC_ATTRIBUTES ?? '').split(','))
        .map((key) => String(key).trim())
        .filter((key) => key.length > 0),
    ),
  };
}

function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  diag.warn(`@aiotel/instrumentation-openai: ${name}=${raw} is not true or false; using ${fallback}`);
  return fallback;
}

function positiveInteger(
  option: number | undefined,
  optionName: string,
  envValue: string | undefined,
  envName: string,
): number {
  const [value, from] =
    option !== undefined ? [option, optionName] : [envValue?.trim() || undefined, envName];
  if (value === undefined) return DEFAULT_CONTENT_MAX_LENGTH;
  const parsed = Number(value);
  if (Number.isInteger(parsed) && parsed > 0) return parsed;
  diag.warn(
    `@aiotel/instrumentation-openai: ${from}=${String(value)} is not a positive integer; using ${DEFAULT_CONTENT_MAX_LENGTH}`,
  );
  return DEFAULT_CONTENT_MAX_LENGTH;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
