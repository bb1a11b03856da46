import { usageFromOpenAI } from '@aiotel/cost';
import type { CallAttributes } from '../call.js';
import { BudgetExceededError } from '../errors.js';
import type { PolicyEvents } from '../events.js';
import type { BudgetOptions, BudgetPricer } from '../options.js';
import type { ResilienceStore } from '../store/store.js';

/** The store name of the spend window. */
const NAME = 'budget';

/**
 * Spend of completed calls over a sliding window, priced from the usage each response reports, kept in the store:
 * with a shared store, one total for every process. A call is refused once the window's spend reached the limit.
 */
export class Budget {
  constructor(
    private readonly options: Required<BudgetOptions>,
    private readonly store: ResilienceStore,
    private readonly pricer: () => BudgetPricer,
    private readonly events: PolicyEvents,
  ) {}

  /** Rejects with `BudgetExceededError` when the window's spend reached the limit; nothing is sent then. */
  async check(call: CallAttributes): Promise<void> {
    const spent = await this.store.windowTotal(NAME, this.options.windowMs, Date.now());
    // Recorded on every call too, so the gauge follows the window as old spend leaves it.
    this.events.emit('budgetSpent', spent);
    if (spent >= this.options.usd) {
      this.events.emit('budgetRefused', call, spent, this.options.usd);
      throw new BudgetExceededError(spent, this.options.usd, this.options.windowMs);
    }
  }

  /**
   * Adds the cost of a completed call from its `usage` object. A model without a price adds nothing (the
   * instrumentation counts such calls as `aiotel.gen_ai.client.unpriced_calls`). Never throws.
   */
  record(usage: unknown, model: string, baseUrl: string): void {
    const tokens = usageFromOpenAI(usage);
    if (!tokens) return;
    const cost = this.pricer().price(tokens, model, { baseUrl });
    if (!cost || !(cost.amountUsd > 0)) return;
    this.store.windowAdd(NAME, cost.amountUsd, this.options.windowMs, Date.now()).then(
      (total) => this.events.emit('budgetSpent', total),
      () => undefined,
    );
  }
}
