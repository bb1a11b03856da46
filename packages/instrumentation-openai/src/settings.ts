import {
  booleanSetting,
  type Env,
  nameListSetting,
  positiveIntegerSetting,
  resolveSetting,
  type Setting,
  textSetting,
} from '@aiotel/genai-core';
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

/**
 * Every setting of the instrumentation: option, environment variable, parser, default. `@aiotel/node` reads the same
 * rows (so one variable has one reader and one warning) and passes the values on as options.
 */
export const INSTRUMENTATION_SETTINGS = {
  captureMessageContent: {
    option: 'captureMessageContent',
    env: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
    parser: booleanSetting,
    default: false,
  } satisfies Setting<boolean>,
  contentMaxLength: {
    option: 'contentMaxLength',
    env: 'AIOTEL_GENAI_CONTENT_MAX_LENGTH',
    parser: positiveIntegerSetting,
    default: 16 * 1024,
  } satisfies Setting<number>,
  injectStreamUsage: {
    option: 'injectStreamUsage',
    env: 'AIOTEL_GENAI_INJECT_STREAM_USAGE',
    parser: booleanSetting,
    default: true,
  } satisfies Setting<boolean>,
  providerName: {
    option: 'providerName',
    env: 'AIOTEL_GENAI_PROVIDER',
    parser: textSetting,
    default: undefined,
    documentedDefault: 'inferred',
  } satisfies Setting<string | undefined>,
  metricAttributes: {
    option: 'metricAttributes',
    env: 'AIOTEL_METRIC_ATTRIBUTES',
    // Attribute keys hold no spaces, `;` or `=`: such an item is a wrong separator or a `key=value` pasted by mistake.
    parser: nameListSetting(/^[^\s;=]+$/, { one: 'an attribute key', many: 'attribute keys' }),
    default: [] as readonly string[],
    documentedDefault: 'none',
  } satisfies Setting<readonly string[]>,
} as const;

/** Applies environment variables and defaults to the user's config; never throws, warns once per bad value. */
export function resolveSettings(config: OpenAIInstrumentationConfig, env: Env = process.env): Settings {
  const warnings = new Set<string>();
  const read = <T>(setting: Setting<T>): T =>
    resolveSetting(setting, config[setting.option as keyof OpenAIInstrumentationConfig], env, warnings);
  const settings: Settings = {
    captureMessageContent: read(INSTRUMENTATION_SETTINGS.captureMessageContent),
    contentMaxLength: read(INSTRUMENTATION_SETTINGS.contentMaxLength),
    injectStreamUsage: read(INSTRUMENTATION_SETTINGS.injectStreamUsage),
    providerName: read<string | undefined>(INSTRUMENTATION_SETTINGS.providerName),
    metricAttributes: new Set(read(INSTRUMENTATION_SETTINGS.metricAttributes)),
  };
  for (const warning of warnings) diag.warn(`@aiotel/instrumentation-openai: ${warning}`);
  return settings;
}
