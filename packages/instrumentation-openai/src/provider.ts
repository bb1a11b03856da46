import { inferProvider } from '@aiotel/cost';
import { diag } from '@opentelemetry/api';
import type { ServerAttributes } from './server.js';

/** Who serves a call: the semconv `gen_ai.provider.name` and the price table's provider id. */
export interface CallProvider {
  /** `gen_ai.provider.name`, e.g. `openai`, `anthropic`, `gcp.gemini`. */
  readonly name: string;
  /** `@aiotel/cost` provider id used for pricing, when known. */
  readonly pricingProvider: string | undefined;
}

interface Resolved extends CallProvider {
  readonly override: string | undefined;
}

// Request models come from the caller: bounded per server.
const MAX_MODELS_PER_SERVER = 1024;
// By server (cached per base URL: an entry goes when that cache drops it), then request model.
const byServer = new WeakMap<ServerAttributes, Map<string, Resolved>>();

/**
 * The provider of a call to `server`. `override` (option `providerName` or env `AIOTEL_GENAI_PROVIDER`) wins for
 * the name; otherwise `@aiotel/cost`'s `inferProvider`: a known provider host wins, a relay or unknown host is
 * judged by model family. Cached per (server, model), found without building a key string.
 */
export function resolveProvider(
  model: string,
  server: ServerAttributes,
  override: string | undefined,
): CallProvider {
  let byModel = byServer.get(server);
  if (byModel === undefined) {
    byModel = new Map();
    byServer.set(server, byModel);
  }
  let found = byModel.get(model);
  if (found === undefined || found.override !== override) {
    found = infer(model, server.baseUrl, override);
    if (byModel.size >= MAX_MODELS_PER_SERVER) byModel.clear();
    byModel.set(model, found);
  }
  return found;
}

function infer(model: string, baseUrl: string | undefined, override: string | undefined): Resolved {
  try {
    const inferred = inferProvider({ model, baseUrl });
    return { name: override ?? inferred.semconv, pricingProvider: inferred.pricing, override };
  } catch (err) {
    diag.error('@aiotel/instrumentation-openai: provider inference failed', err);
    return { name: override ?? 'openai', pricingProvider: undefined, override };
  }
}
