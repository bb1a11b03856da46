import {
  createPricer,
  type PriceCallOptions,
  type PriceOverrides,
  type Pricer,
  reportedCost,
  type TokenUsage,
} from '@aiotel/cost';
import { diag } from '@opentelemetry/api';

export type { PriceOverrides } from '@aiotel/cost';

/** Prices token usage: `@aiotel/cost`'s `createPricer()` result, or anything with its `price`. */
export type CallPricer = Pick<Pricer, 'price'>;

/** A call's cost in USD and where the figure comes from. */
export interface SpanCost {
  readonly amount: number;
  /** `provider`: the API or relay reported it (`usage.cost`, a cost header); `local`: the price table. */
  readonly source: 'local' | 'provider';
}

const MAX_WARNED_MODELS = 1000;
// Pricing provider ids come from a fixed table (or the user's providerName): a handful.
const MAX_PROVIDERS = 64;

/** Costs calls; warns once per model that has no price. */
export class CallCosting {
  private pricer: CallPricer | undefined;
  private readonly warned = new Set<string>();
  private readonly options = new Map<string | undefined, PriceCallOptions>();

  constructor(
    pricer: CallPricer | undefined,
    private readonly prices: PriceOverrides | undefined,
  ) {
    this.pricer = pricer;
  }

  /**
   * Cost of a call, or `undefined` when its model has no price (never a made-up 0). A cost the relay reported
   * wins (`usage.cost`, then its cost header); else the response model (e.g. the dated `gpt-4o-2024-08-06`) is
   * priced first, then the requested one.
   */
  cost(
    rawUsage: unknown,
    usage: TokenUsage,
    responseModel: string | undefined,
    requestModel: string,
    provider: string | undefined,
    costHeader?: string,
  ): SpanCost | undefined {
    const reported = reportedCost(rawUsage, costHeader);
    if (reported !== undefined) return { amount: reported, source: 'provider' };
    const pricer = this.getPricer();
    const options = this.priceOptions(provider);
    const priced =
      (responseModel !== undefined ? pricer.price(usage, responseModel, options) : undefined) ??
      (responseModel !== requestModel ? pricer.price(usage, requestModel, options) : undefined);
    if (priced !== undefined && Number.isFinite(priced.amountUsd)) {
      return { amount: priced.amountUsd, source: 'local' };
    }
    this.warnUnpriced(responseModel ?? requestModel, provider);
    return undefined;
  }

  // One options object per provider, not one per call (the pricer only reads it).
  private priceOptions(provider: string | undefined): PriceCallOptions {
    let found = this.options.get(provider);
    if (found === undefined) {
      if (this.options.size >= MAX_PROVIDERS) this.options.clear();
      found = Object.freeze({ provider });
      this.options.set(provider, found);
    }
    return found;
  }

  private getPricer(): CallPricer {
    this.pricer ??= createPricer({
      ...(this.prices !== undefined ? { overrides: this.prices } : {}),
      onWarning: (message) => diag.warn(`@aiotel/instrumentation-openai: ${message}`),
    });
    return this.pricer;
  }

  private warnUnpriced(model: string, provider: string | undefined): void {
    const key = `${provider ?? ''}/${model}`;
    if (this.warned.has(key) || this.warned.size >= MAX_WARNED_MODELS) return;
    this.warned.add(key);
    diag.warn(
      `@aiotel/instrumentation-openai: no price known for model ${model}${provider ? ` (provider ${provider})` : ''}; its calls get no cost (counted in aiotel.gen_ai.client.unpriced_calls). Add a price with the prices option or AIOTEL_PRICES_FILE.`,
    );
  }
}
