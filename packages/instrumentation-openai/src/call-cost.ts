import type { TokenUsage } from '@aiotel/cost';
import type { Attributes } from '@opentelemetry/api';
import type { AttributeSink } from './attribute-sink.js';
import type { CallCosting } from './cost.js';
import type { Instruments } from './metrics.js';
import {
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
} from './semconv.js';
import type { ResponseSummary } from './summary.js';

/** Where a failing (user-given) pricer is reported: the call's recorder. */
export interface CostErrors {
  internalError(err: unknown): void;
}

/**
 * The cost step of a finished call that reported usage (`usage`, read from `summary.usage`): its cost goes on the
 * span (`into`, none when it is not recorded) and in `aiotel.gen_ai.client.cost`; a call without a known price counts in
 * `aiotel.gen_ai.client.unpriced_calls` instead (never a cost of 0). `provider` is the price table's provider id,
 * when known. A failing pricer goes to `errors` and costs the call nothing else.
 */
export function recordCallCost(
  costing: CallCosting,
  instruments: Pick<Instruments, 'cost' | 'unpricedCalls'>,
  summary: ResponseSummary,
  usage: TokenUsage,
  requestModel: string,
  provider: string | undefined,
  metricAttributes: Attributes,
  into: AttributeSink | undefined,
  errors: CostErrors,
): void {
  let cost: ReturnType<CallCosting['cost']>;
  try {
    cost = costing.cost(summary.usage, usage, summary.model, requestModel, provider, summary.costHeader);
  } catch (err) {
    errors.internalError(err);
    return;
  }
  if (cost === undefined) {
    instruments.unpricedCalls.add(1, metricAttributes);
    return;
  }
  if (into !== undefined) {
    into.setAttribute(ATTR_GEN_AI_USAGE_COST_AMOUNT, cost.amount);
    into.setAttribute(ATTR_GEN_AI_USAGE_COST_CURRENCY, 'USD');
    into.setAttribute(ATTR_GEN_AI_USAGE_COST_SOURCE, cost.source);
  }
  instruments.cost.record(cost.amount, metricAttributes);
}
