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
}

// Bounds per server: request models come from the caller; (operation, provider) pairs per model are a handful.
const MAX_MODELS_PER_SERVER = 256;
const MAX_PAIRS_PER_MODEL = 8;

// By server attributes object (frozen, cached per base URL: it goes when that cache drops it), then request model.
const byServer = new WeakMap<Attributes, Map<string, SharedCallAttributes[]>>();

/** The GenAI attributes a call starts with: operation, provider, request model, then the server's. */
export function callAttributes(server: Attributes, key: SharedCallKey): Attributes {
  return {
    [ATTR_GEN_AI_OPERATION_NAME]: key.operation,
    [ATTR_GEN_AI_PROVIDER_NAME]: key.providerName,
    [ATTR_GEN_AI_REQUEST_MODEL]: key.requestModel,
    ...server,
  };
}

/** The span name of a call: `{operation} {model}`, or the operation alone without a model. */
export function spanName(key: SharedCallKey): string {
  return key.requestModel ? `${key.operation} ${key.requestModel}` : key.operation;
}

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
  const attributes = Object.freeze(callAttributes(server, key));
  const shared: SharedCallAttributes = {
    operation,
    providerName,
    spanName: spanName(key),
    attributes,
    metrics: new CallMetricAttributes(attributes),
  };
  pairs.push(shared);
  return shared;
}
