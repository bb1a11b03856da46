import { type JaegerSpan, tag } from './jaeger.js';

/** What a set of GenAI calls added up to, from their spans: the truth the panels are checked against. */
export interface Totals {
  calls: number;
  /** Calls whose span has a cost (`gen_ai.usage.cost.amount`). */
  pricedCalls: number;
  /** Calls that got usage back but no cost: their model has no price. */
  unpricedCalls: number;
  costUsd: number;
  /** By `gen_ai.token.type` (input, output, cache_read, ...), as the tokens counter labels them. */
  tokens: Record<string, number>;
}

/** The span attribute each `gen_ai.token.type` of the tokens counter is counted from. */
const TOKEN_ATTRIBUTES: Record<string, string> = {
  input: 'gen_ai.usage.input_tokens',
  output: 'gen_ai.usage.output_tokens',
  cache_read: 'gen_ai.usage.cache_read.input_tokens',
  cache_creation: 'gen_ai.usage.cache_creation.input_tokens',
  reasoning: 'gen_ai.usage.reasoning.output_tokens',
};

/** Span attribute → Prometheus label of the same attribute on the metrics. */
export const GROUPINGS = {
  gen_ai_request_model: 'gen_ai.request.model',
  gen_ai_provider_name: 'gen_ai.provider.name',
  app_feature: 'app.feature',
  app_tenant: 'app.tenant',
} as const;

export type Grouping = keyof typeof GROUPINGS;

function empty(): Totals {
  return { calls: 0, pricedCalls: 0, unpricedCalls: 0, costUsd: 0, tokens: {} };
}

function add(totals: Totals, span: JaegerSpan): void {
  totals.calls++;
  const cost = tag(span, 'gen_ai.usage.cost.amount');
  if (typeof cost === 'number') {
    totals.pricedCalls++;
    totals.costUsd += cost;
  } else if (typeof tag(span, 'gen_ai.usage.input_tokens') === 'number') {
    totals.unpricedCalls++;
  }
  for (const [type, attribute] of Object.entries(TOKEN_ATTRIBUTES)) {
    const value = tag(span, attribute);
    if (typeof value === 'number' && value > 0) totals.tokens[type] = (totals.tokens[type] ?? 0) + value;
  }
}

/** The GenAI spans (those with `gen_ai.operation.name`) among `spans`. */
export function genAiSpans(spans: JaegerSpan[]): JaegerSpan[] {
  return spans.filter((s) => tag(s, 'gen_ai.operation.name') !== undefined);
}

/** Totals of all `calls`. */
export function totalsOf(calls: JaegerSpan[]): Totals {
  const totals = empty();
  for (const span of calls) add(totals, span);
  return totals;
}

/** Totals of `calls` per value of one attribute (calls without it are left out, as the label would be empty). */
export function totalsBy(calls: JaegerSpan[], grouping: Grouping): Map<string, Totals> {
  const out = new Map<string, Totals>();
  for (const span of calls) {
    const value = tag(span, GROUPINGS[grouping]);
    if (typeof value !== 'string') continue;
    const totals = out.get(value) ?? empty();
    add(totals, span);
    out.set(value, totals);
  }
  return out;
}
