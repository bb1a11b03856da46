import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  TOKEN_TYPE_INPUT,
  TOKEN_TYPE_OUTPUT,
} from './semconv.js';

// Bounds per set of call attributes: response models and error types are few, but come from the server.
const MAX_RESPONSE_MODELS = 64;
const MAX_VARIANTS = 32;

/**
 * The attribute objects of one call's metric records for one response model, built once and shared by
 * every call with the same attributes: no object spread per record, and the SDK sees the same objects.
 * Frozen, since they are shared.
 */
export class MetricAttributeSet {
  /** Duration (success), cost, unpriced calls, chunk timings. */
  readonly call: Attributes;
  /** `gen_ai.token.type` = `input`. */
  readonly input: Attributes;
  /** `gen_ai.token.type` = `output`. */
  readonly output: Attributes;
  private readonly variants = new Map<string, Attributes>();

  constructor(call: Attributes) {
    this.call = Object.freeze(call);
    this.input = this.with(ATTR_GEN_AI_TOKEN_TYPE, TOKEN_TYPE_INPUT);
    this.output = this.with(ATTR_GEN_AI_TOKEN_TYPE, TOKEN_TYPE_OUTPUT);
  }

  /** With `gen_ai.token.type` = `type` (the parts: cache_read, cache_creation, reasoning). */
  tokenType(type: string): Attributes {
    return this.variant(`t\u0000${type}`, ATTR_GEN_AI_TOKEN_TYPE, type);
  }

  /** With `error.type` = `type`, for the duration of a failed call. */
  failed(type: string): Attributes {
    return this.variant(`e\u0000${type}`, ATTR_ERROR_TYPE, type);
  }

  private variant(cacheKey: string, key: string, value: string): Attributes {
    let found = this.variants.get(cacheKey);
    if (found === undefined) {
      found = this.with(key, value);
      if (this.variants.size >= MAX_VARIANTS) this.variants.clear();
      this.variants.set(cacheKey, found);
    }
    return found;
  }

  private with(key: string, value: string): Attributes {
    return Object.freeze({ ...this.call, [key]: value });
  }
}

/** The {@link MetricAttributeSet}s of one set of call attributes (operation, provider, request model, server, business keys), by response model. */
export class CallMetricAttributes {
  private readonly byResponseModel = new Map<string, MetricAttributeSet>();
  private withoutResponseModel: MetricAttributeSet | undefined;

  /** @param call the attributes every record of the call has; not changed, copied once per response model. */
  constructor(private readonly call: Attributes) {}

  /** The set for the response model (`undefined`: not known, no `gen_ai.response.model`). */
  forResponseModel(model: string | undefined): MetricAttributeSet {
    if (model === undefined) {
      this.withoutResponseModel ??= new MetricAttributeSet({ ...this.call });
      return this.withoutResponseModel;
    }
    let found = this.byResponseModel.get(model);
    if (found === undefined) {
      found = new MetricAttributeSet({ ...this.call, [ATTR_GEN_AI_RESPONSE_MODEL]: model });
      if (this.byResponseModel.size >= MAX_RESPONSE_MODELS) this.byResponseModel.clear();
      this.byResponseModel.set(model, found);
    }
    return found;
  }
}
