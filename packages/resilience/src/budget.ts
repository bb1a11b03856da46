import { getDefaultPricer, usageFromOpenAI } from '@aiotel/cost';
import { BudgetExceededError } from './errors.js';
import type { BudgetOptions, BudgetPricer } from './options.js';
import { type CallAttributes, telemetry } from './telemetry.js';

/** Spend is kept in this many buckets per window, so memory stays bounded however many calls there are. */
const BUCKETS_PER_WINDOW = 100;

/**
 * Spend of completed calls over a sliding window, priced by `@aiotel/cost` from the usage each response
 * reports. Spend is summed in buckets of 1/100 of the window and leaves the window with its bucket (at most
 * 1 % of the window late, never early). Plain state: works with or without an OpenTelemetry SDK.
 */
export class Budget {
  private readonly usd: number;
  private readonly windowMs: number;
  private readonly bucketMs: number;
  /** Spend per bucket (`at`: the bucket's end), oldest first. */
  private readonly entries: { at: number; usd: number }[] = [];
  private total = 0;
  private readonly pricer: () => BudgetPricer;

  constructor(options: Required<BudgetOptions>, pricer: () => BudgetPricer = getDefaultPricer) {
    this.pricer = pricer;
    this.usd = options.usd;
    this.windowMs = options.windowMs;
    this.bucketMs = Math.max(1, options.windowMs / BUCKETS_PER_WINDOW);
  }

  /** Spend in the window ending now, USD. */
  spent(now: number = Date.now()): number {
    const from = now - this.windowMs;
    while (this.entries.length > 0 && this.entries[0]!.at <= from) this.total -= this.entries.shift()!.usd;
    if (this.entries.length === 0) this.total = 0; // no floating-point residue once the window is empty
    return this.total;
  }

  /** Throws `BudgetExceededError` when the window's spend reached the limit; nothing is sent then. */
  check(call: CallAttributes): void {
    const spent = this.spent();
    // Recorded on every call too, so the gauge follows the window as old spend leaves it.
    telemetry.budgetSpent(spent);
    if (spent >= this.usd) {
      telemetry.budgetRefused(call, spent, this.usd);
      throw new BudgetExceededError(spent, this.usd, this.windowMs);
    }
  }

  /**
   * Adds the cost of a completed call from its `usage` object. A model without a price adds nothing (the
   * instrumentation counts such calls as `aiotel.gen_ai.client.unpriced_calls`).
   */
  record(usage: unknown, model: string, baseUrl: string): void {
    const tokens = usageFromOpenAI(usage);
    if (!tokens) return;
    const cost = this.pricer().price(tokens, model, { baseUrl });
    if (!cost || !(cost.amountUsd > 0)) return;
    const now = Date.now();
    const at = Math.ceil(now / this.bucketMs) * this.bucketMs;
    const last = this.entries[this.entries.length - 1];
    if (last && last.at === at) last.usd += cost.amountUsd;
    else this.entries.push({ at, usd: cost.amountUsd });
    this.total += cost.amountUsd;
    telemetry.budgetSpent(this.spent(now));
  }
}
