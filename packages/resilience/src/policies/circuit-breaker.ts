import { trace } from '@opentelemetry/api';
import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
} from 'cockatiel';
import { isProviderFault } from '../attempt-failure.js';
import { CircuitOpenError } from '../errors.js';
import type { CircuitBreakerOptions } from '../options.js';
import { type BreakerStateName, type CallAttributes, telemetry } from '../telemetry.js';

const STATE_NAMES: Partial<Record<CircuitState, BreakerStateName>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
};

/** One cockatiel circuit breaker, failing fast while open and while its half-open probe is in flight. */
export class Breaker {
  readonly key: string;
  private readonly policy: CircuitBreakerPolicy;
  private readonly halfOpenAfterMs: number;
  private openedAt = 0;

  /** `call`: the first call with this key; its server and model label the breaker's metrics. */
  constructor(call: CallAttributes, options: Required<CircuitBreakerOptions>) {
    const key = call.key;
    this.key = key;
    this.halfOpenAfterMs = options.halfOpenAfterMs;
    this.policy = circuitBreaker(handleWhen(isProviderFault), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.consecutiveFailures),
    });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
    // cockatiel runs listeners synchronously inside the call that caused the change, so the active span is
    // that call's span.
    this.policy.onStateChange((state) => {
      const name = STATE_NAMES[state];
      if (name) telemetry.breakerState(trace.getActiveSpan(), call, name, state === CircuitState.Open);
    });
    telemetry.breakerCreated(call);
  }

  /** Runs `fn` through the breaker, or throws `CircuitOpenError` without calling it. */
  async execute<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const state = this.policy.state;
    // cockatiel makes other callers wait for the half-open probe; an LLM call can take a minute, so they fail fast.
    if (state === CircuitState.HalfOpen) throw new CircuitOpenError(this.key, undefined);
    if (state === CircuitState.Open && Date.now() - this.openedAt < this.halfOpenAfterMs) {
      throw new CircuitOpenError(this.key, this.openedAt + this.halfOpenAfterMs);
    }
    try {
      return await this.policy.execute(fn, signal);
    } catch (err) {
      if (isBrokenCircuitError(err))
        throw new CircuitOpenError(this.key, this.openedAt + this.halfOpenAfterMs);
      throw err;
    }
  }
}

/** The breakers of one resilient client, one per key (server and model by default). */
export class Breakers {
  private readonly byKey = new Map<string, Breaker>();
  private readonly options: Required<CircuitBreakerOptions>;

  constructor(options: Required<CircuitBreakerOptions>) {
    this.options = options;
  }

  /** The breaker for the call's key, created closed on first use. */
  get(call: CallAttributes): Breaker {
    let breaker = this.byKey.get(call.key);
    if (!breaker) {
      breaker = new Breaker(call, this.options);
      this.byKey.set(call.key, breaker);
    }
    return breaker;
  }
}
