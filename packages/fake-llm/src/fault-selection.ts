import { type Fault, parseFault } from './faults.js';
import type { FaultRates } from './options.js';
import { type Random, seededRandom } from './prng.js';

/** The fault chosen for one request, with the label the request log shows. */
export interface ChosenFault {
  readonly fault: Fault;
  readonly label: string;
  /** A drawn `cutRate` fault: cut the stream half-way. */
  readonly cutHalfway: boolean;
}

/** Picks each request's fault: from its `x-fake-fault` header (gated by scenarios), or from the server-wide rates. */
export class FaultSelector {
  private readonly scenarios = new Map<string, number>();
  private random: Random;

  constructor(private readonly rates: FaultRates | undefined) {
    this.random = seededRandom(rates?.seed ?? 1);
  }

  /**
   * The fault a request asks for. With `x-fake-scenario`, only the first `x-fake-fault-times` (default 1) requests of
   * that scenario get it. Returns an error message for a header it cannot read.
   */
  fromHeaders(
    faultHeader: string | undefined,
    scenario: string | undefined,
    timesHeader: string | undefined,
  ): ChosenFault | { readonly error: string } | undefined {
    if (faultHeader === undefined || faultHeader.trim() === '') return undefined;
    if (scenario !== undefined) {
      const times = Number(timesHeader ?? '1');
      if (!Number.isInteger(times) || times < 0) {
        return { error: `x-fake-fault-times must be a non-negative integer, got "${timesHeader}"` };
      }
      const count = (this.scenarios.get(scenario) ?? 0) + 1;
      this.scenarios.set(scenario, count);
      if (count > times) return undefined;
    }
    const parsed = parseFault(faultHeader);
    if ('error' in parsed) return parsed;
    return { fault: parsed.fault, label: faultHeader, cutHalfway: false };
  }

  /** One seeded draw against the server-wide rates; at most one fault. */
  draw(stream: boolean): ChosenFault | undefined {
    const rates = this.rates;
    if (!rates) return undefined;
    const r = this.random();
    const retryAfter = String(rates.retryAfterSeconds ?? 1);
    const table: [number | undefined, ChosenFault | undefined][] = [
      [
        rates.rate429,
        {
          fault: { status: 429, retryAfter },
          label: `status=429; retry-after=${retryAfter}`,
          cutHalfway: false,
        },
      ],
      [rates.rate500, { fault: { status: 500 }, label: 'status=500', cutHalfway: false }],
      [rates.rate503, { fault: { status: 503 }, label: 'status=503', cutHalfway: false }],
      [rates.rate529, { fault: { status: 529 }, label: 'status=529', cutHalfway: false }],
      [rates.resetRate, { fault: { reset: true }, label: 'reset', cutHalfway: false }],
      [rates.cutRate, stream ? { fault: {}, label: 'cut-halfway', cutHalfway: true } : undefined],
    ];
    let edge = 0;
    for (const [rate, chosen] of table) {
      edge += rate ?? 0;
      if (r < edge) return chosen;
    }
    return undefined;
  }

  /** Forget scenario counts and restart the draws from the seed. */
  reset(): void {
    this.scenarios.clear();
    this.random = seededRandom(this.rates?.seed ?? 1);
  }
}
