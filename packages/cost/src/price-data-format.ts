// The price data format: the providers array of `@pydantic/genai-prices` (the library's bundled table, and the JSON
// at its `REMOTE_DATA_JSON_URL`), cut to the fields pricing reads. This module has no runtime imports so that the
// generator script (`scripts/generate-price-data.ts`) runs it under plain Node.

/** A name rule of the table; strings are compared with the lower-cased, trimmed model or provider name. */
export type MatchRule =
  | { readonly equals: string }
  | { readonly starts_with: string }
  | { readonly ends_with: string }
  | { readonly contains: string }
  | { readonly regex: string }
  | { readonly or: readonly MatchRule[] }
  | { readonly and: readonly MatchRule[] };

/** USD per million tokens (per thousand requests for `requests_kcount`), flat or by prompt-size tier. */
export type PriceValue =
  | number
  | { readonly base: number; readonly tiers: readonly { readonly start: number; readonly price: number }[] };

/** Prices by key (`input_mtok`, `cache_read_mtok`, `cache_write_mtok`, `output_mtok`, …). */
export type ModelPrices = Readonly<Record<string, PriceValue | undefined>>;

/** When a price entry applies: from a date, or in a daily UTC time window (with or without `type`). */
export interface PriceConstraint {
  readonly type?: 'start_date' | 'time_of_date';
  readonly start_date?: string;
  readonly start_time?: string;
  readonly end_time?: string;
}

export interface ConditionalPrices {
  readonly constraint?: PriceConstraint;
  readonly prices: ModelPrices;
}

export interface PriceDataModel {
  readonly id: string;
  readonly match: MatchRule;
  readonly prices: ModelPrices | readonly ConditionalPrices[];
}

/** One provider of the price data, as `@pydantic/genai-prices` describes it (other fields are ignored). */
export interface PriceDataProvider {
  readonly id: string;
  readonly provider_match?: MatchRule;
  readonly model_match?: MatchRule;
  readonly fallback_model_providers?: readonly string[];
  readonly models: readonly PriceDataModel[];
}

export type CompactResult =
  | { readonly providers: PriceDataProvider[]; readonly problem?: undefined }
  | { readonly providers?: undefined; readonly problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks price data of the genai-prices format and keeps only what pricing reads (ids, match rules, fallbacks,
 * prices), not the names, descriptions, URLs and usage extractors the library's records also carry.
 * Structure only: a price value or constraint the pricer cannot use makes that model unpriced when it is looked up.
 */
export function compactPriceData(value: unknown): CompactResult {
  if (!Array.isArray(value)) return { problem: `expected an array of providers, got ${kind(value)}` };
  const providers: PriceDataProvider[] = [];
  for (const [i, provider] of value.entries()) {
    if (!isRecord(provider) || typeof provider.id !== 'string' || !Array.isArray(provider.models)) {
      return { problem: `provider ${i}: expected an object with a string id and a models array` };
    }
    const models: PriceDataModel[] = [];
    for (const [j, model] of provider.models.entries()) {
      if (
        !isRecord(model) ||
        typeof model.id !== 'string' ||
        !isRecord(model.match) ||
        !(isRecord(model.prices) || Array.isArray(model.prices))
      ) {
        return {
          problem: `provider ${provider.id} model ${j}: expected an object with a string id, a match rule and prices`,
        };
      }
      models.push({
        id: model.id,
        match: model.match as MatchRule,
        prices: model.prices as PriceDataModel['prices'],
      });
    }
    const fallbacks = provider.fallback_model_providers;
    if (
      fallbacks !== undefined &&
      !(Array.isArray(fallbacks) && fallbacks.every((f) => typeof f === 'string'))
    ) {
      return {
        problem: `provider ${provider.id}: fallback_model_providers must be an array of provider ids`,
      };
    }
    for (const key of ['provider_match', 'model_match'] as const) {
      if (provider[key] !== undefined && !isRecord(provider[key])) {
        return { problem: `provider ${provider.id}: ${key} must be a match rule object` };
      }
    }
    providers.push({
      id: provider.id,
      ...(provider.provider_match === undefined
        ? {}
        : { provider_match: provider.provider_match as MatchRule }),
      ...(provider.model_match === undefined ? {} : { model_match: provider.model_match as MatchRule }),
      ...(fallbacks === undefined ? {} : { fallback_model_providers: fallbacks as string[] }),
      models,
    });
  }
  return { providers };
}

function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
