export { type LoadedOverrides, loadPriceOverridesFile, validatePriceOverrides } from './overrides.js';
export { type PriceDataResult, setPriceData } from './price-data.js';
export type {
  ConditionalPrices,
  MatchRule,
  ModelPrices,
  PriceConstraint,
  PriceDataModel,
  PriceDataProvider,
  PriceValue,
} from './price-data-format.js';
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
