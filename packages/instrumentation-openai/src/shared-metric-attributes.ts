import type { Attributes } from '@opentelemetry/api';
import { CallMetricAttributes } from './metric-attributes.js';

/** What makes calls without business keys share their metric attribute sets, besides their server. */
export interface SharedCallKey {
  readonly operation: string;
  readonly providerName: string;
  readonly requestModel: string;
}

interface Shared {
  readonly operation: string;
  readonly providerName: string;
  readonly sets: CallMetricAttributes;
}

// Bounds per server: request models come from the caller; (operation, provider) pairs per model are a handful.
const MAX_MODELS_PER_SERVER = 256;
const MAX_PAIRS_PER_MODEL = 8;

// By server attributes object (frozen, cached per base URL: it goes when that cache drops it), then request model.
const byServer = new WeakMap<Attributes, Map<string, Shared[]>>();

/**
 * The metric attribute sets shared by every call to `server` with the same operation, provider and request model.
 * Found without building a key string: a weak map by server object, a map by model, a scan of a few pairs.
 * @param common the calls' attributes, copied when the sets are first built.
 */
export function sharedCallMetricAttributes(
  server: Attributes,
  key: SharedCallKey,
  common: Attributes,
): CallMetricAttributes {
  let byModel = byServer.get(server);
  if (byModel === undefined) {
    byModel = new Map();
    byServer.set(server, byModel);
  }
  let pairs = byModel.get(key.requestModel);
  if (pairs === undefined) {
    if (byModel.size >= MAX_MODELS_PER_SERVER) byModel.clear();
    pairs = [];
    byModel.set(key.requestModel, pairs);
  }
  const { operation, providerName } = key;
  for (const shared of pairs) {
    if (shared.operation === operation && shared.providerName === providerName) return shared.sets;
  }
  if (pairs.length >= MAX_PAIRS_PER_MODEL) pairs.length = 0;
  const sets = new CallMetricAttributes({ ...common });
  pairs.push({ operation, providerName, sets });
  return sets;
}
