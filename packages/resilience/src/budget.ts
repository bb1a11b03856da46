import { getDefaultPricer, type Pricer, usageFromOpenAI } from '@aiotel/cost';
import { BudgetExceededError } from './errors.js';
import type { BudgetOptions } from './options.js';
import { type CallAttributes, telemetry } from './telemetry.js';

/**
 * Spend of completed calls over a sliding window, priced by `@aiotel/cost` from the usage each response
 * reports. Plain state: works with or without an OpenTelemetry SDK.
 */
export class Budget {
  private readonly usd: number;
  private readonly windowMs: number;
  private readonly pricer: Pricer;
  /** Spend entries, oldest first. */
  private readonly entries: { at: number; usd: number }[] = [];
  private total = 0;

  constructor(options: Required<BudgetOptions>, pricer: Pricer = getDefaultPricer()) {
    this.usd = options.usd;
    this.windowMs = options.windowMs;
    this.pricer = pricer;
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
    if (spent >= this.usd) {
      telemetry.budgetRefused(call, spent, this.usd);
      throw new BudgetExceededError(spent, this.usd, this.windowMs);
    }
  }

  /**
   * Adds the cost of a completed call from its `usage` object. A model without a price adds nothing (the
   * instrumentation counts such calls as `aiotel.gen_ai.client.unpriced_calls`). Returns the cost added.
   */
  record(usage: unknown, model: string, baseUrl: string): number {
    const tokens = usageFromOpenAI(usage);
    if (!tokens) return 0;
    const cost = this.pricer.price(tokens, model, { baseUrl });
    if (!cost || !(cost.amountUsd > 0)) return 0;
    const now = Date.now();
    this.entries.push({ at: now, usd: cost.amountUsd });
    this.total += cost.amountUsd;
    telemetry.budgetSpent(this.spent(now));
    return cost.amountUsd;
  }
}
