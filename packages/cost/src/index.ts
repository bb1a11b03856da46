export { type LoadedOverrides, loadPriceOverridesFile, validatePriceOverrides } from './overrides.js';
export {
  createPricer,
  getDefaultPricer,
  isPriced,
  type Pricer,
  priceCall,
  useAsDefaultPricer,
} from './pricer.js';
export { inferProvider, type ProviderHint, type ProviderInfo } from './provider.js';
export { COST_HEADERS, reportedCost } from './reported.js';
export type {
  CallCost,
  CostBreakdown,
  PriceCallOptions,
  PriceOverride,
  PriceOverrides,
  PricerOptions,
  TokenUsage,
} from './types.js';
export { usageFromOpenAI } from './usage.js';
