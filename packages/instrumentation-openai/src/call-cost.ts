import type { TokenUsage } from '@aiotel/cost';
import type { Attributes } from '@opentelemetry/api';
import type { CallCosting } from './cost.js';
import type { Instruments } from './metrics.js';
import {
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
} from './semconv.js';
import type { ResponseSummary } from './summary.js';

/** What a finished call's cost is worked out from. */
export interface CostedCall {
  readonly summary: ResponseSummary;
  readonly usage: TokenUsage;
  readonly requestModel: string;
  /** The price table's provider id, when known. */
  readonly provider: string | undefined;
}

/**
 * The cost step of a finished call that reported usage: its cost goes on the span (`into`) and in
 * `aiotel.gen_ai.client.cost`; a call without a known price counts in `aiotel.gen_ai.client.unpriced_calls`
 * instead (never a cost of 0). A failing (user-given) pricer goes to `onError` and costs the call nothing else.
 */
export function recordCallCost(
  costing: CallCosting,
  instruments: Pick<Instruments, 'cost' | 'unpricedCalls'>,
  call: CostedCall,
  metricAttributes: Attributes,
  into: Attributes,
  onError: (err: unknown) => void,
): void {
  let cost: ReturnType<CallCosting['cost']>;
  try {
    const { summary } = call;
    cost = costing.cost(
      summary.usage,
      call.usage,
      { response: summary.model, request: call.requestModel },
      call.provider,
      summary.costHeader,
    );
  } catch (err) {
    onError(err);
    return;
  }
  if (cost === undefined) {
    instruments.unpricedCalls.add(1, metricAttributes);
    return;
  }
  into[ATTR_GEN_AI_USAGE_COST_AMOUNT] = cost.amount;
  into[ATTR_GEN_AI_USAGE_COST_CURRENCY] = 'USD';
  into[ATTR_GEN_AI_USAGE_COST_SOURCE] = cost.source;
  instruments.cost.record(cost.amount, metricAttributes);
}
