import type { Attributes } from '@opentelemetry/api';
import { CallMetricAttributes } from './metric-attributes.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
} from './semconv.js';

/** What makes calls share their span start and metric attributes, besides their server. */
export interface SharedCallKey {
  readonly operation: string;
  readonly providerName: string;
  readonly requestModel: string;
}

/** What every call with the same server, operation, provider and request model starts with. */
export interface SharedCallAttributes {
  readonly operation: string;
  readonly providerName: string;
  /** `{operation} {model}` (the operation alone without a model). */
  readonly spanName: string;
  /** Operation, provider, request model, `server.address` and `server.port`: what samplers see. Frozen. */
  readonly attributes: Attributes;
  /** The metric attribute sets of calls without business keys on metrics. */
  readonly metrics: CallMetricAttributes;
  /** Those of calls with business keys on metrics, by their values ({@link businessCallMetricAttributes}). */
  readonly byBusiness: Map<string, CallMetricAttributes>;
}

// Bounds per server: request models come from the caller; (operation, provider) pairs per model are a handful.
const MAX_MODELS_PER_SERVER = 256;
const MAX_PAIRS_PER_MODEL = 8;
// Business values on metrics (tenants, features) per (server, operation, provider, model).
const MAX_BUSINESS_SETS = 256;

// By server attributes object (frozen, cached per base URL: it goes when that cache drops it), then request model.
const byServer = new WeakMap<Attributes, Map<string, SharedCallAttributes[]>>();

/**
 * The span name, start attributes and metric attribute sets shared by every call to `server` with the same
 * operation, provider and request model, built once. Found without building a key string: a weak map by server
 * object, a map by model, a scan of a few pairs.
 */
export function sharedCallAttributes(server: Attributes, key: SharedCallKey): SharedCallAttributes {
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
    if (shared.operation === operation && shared.providerName === providerName) return shared;
  }
  if (pairs.length >= MAX_PAIRS_PER_MODEL) pairs.length = 0;
  const { requestModel } = key;
  const attributes = Object.freeze({
    [ATTR_GEN_AI_OPERATION_NAME]: operation,
    [ATTR_GEN_AI_PROVIDER_NAME]: providerName,
    [ATTR_GEN_AI_REQUEST_MODEL]: requestModel,
    ...server,
  });
  const shared: SharedCallAttributes = {
    operation,
    providerName,
    spanName: requestModel ? `${operation} ${requestModel}` : operation,
    attributes,
    metrics: new CallMetricAttributes(attributes),
    byBusiness: new Map(),
  };
  pairs.push(shared);
  return shared;
}

/**
 * The metric attribute sets of calls like `shared`'s with business attributes on metrics (`metricBusiness`, from
 * `metricBusinessAttributes`, which picks the allowed keys in the settings' order), shared by every such call with
 * the same values: the sets are built once per tenant or feature, not once per call.
 */
export function businessCallMetricAttributes(
  shared: SharedCallAttributes,
  metricBusiness: Attributes,
): CallMetricAttributes {
  let key = '';
  for (const name in metricBusiness) {
    const value = String(metricBusiness[name]);
    // Length-prefixed, so no key or value can pass for another; the type keeps `1` and `'1'` apart.
    key += `${name.length}:${name}${typeof metricBusiness[name]}${value.length}:${value}`;
  }
  let found = shared.byBusiness.get(key);
  if (found === undefined) {
    if (shared.byBusiness.size >= MAX_BUSINESS_SETS) shared.byBusiness.clear();
    found = new CallMetricAttributes({ ...metricBusiness, ...shared.attributes });
    shared.byBusiness.set(key, found);
  }
  return found;
}
