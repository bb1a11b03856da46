import { inferProvider } from '@aiotel/cost';
import { diag } from '@opentelemetry/api';

/** Who serves a call: the semconv `gen_ai.provider.name` and the price table's provider id. */
export interface CallProvider {
  /** `gen_ai.provider.name`, e.g. `openai`, `anthropic`, `gcp.gemini`. */
  readonly name: string;
  /** `@aiotel/cost` provider id used for pricing, when known. */
  readonly pricingProvider: string | undefined;
}

const MAX_CACHED = 1024;
const cache = new Map<string, CallProvider>();

/**
 * The provider of a call. `override` (option `providerName` or env `AIOTEL_GENAI_PROVIDER`) wins for
 * the name; otherwise `@aiotel/cost`'s `inferProvider`: a known provider host wins, a relay or
 * unknown host is judged by model family. Cached per (base URL, model).
 */
export function resolveProvider(
  model: string,
  baseUrl: string | undefined,
  override: string | undefined,
): CallProvider {
  const key = `${override ?? ''}\u0000${baseUrl ?? ''}\u0000${model}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = infer(model, baseUrl, override);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, found);
  }
  return found;
}

function infer(model: string, baseUrl: string | undefined, override: string | undefined): CallProvider {
  try {
    const inferred = inferProvider({ model, baseUrl });
    return { name: override ?? inferred.semconv, pricingProvider: inferred.pricing };
  } catch (err) {
    diag.error('@aiotel/instrumentation-openai: provider inference failed', err);
    return { name: override ?? 'openai', pricingProvider: undefined };
  }
}
