import { diag } from '@opentelemetry/api';
import type { BreakerStateName, CallAttributes } from './call.js';

/**
 * What the policies report, as typed events (cockatiel's `onRetry` / `onBreak` style): the policies emit, telemetry
 * subscribes. A listener runs synchronously in the caller's async context (so the active span is the call's); one
 * that throws is logged and never reaches the call.
 */
export interface PolicyEventMap {
  retry: [call: CallAttributes, attempt: number, reason: string, delayMs: number];
  breakerCreated: [call: CallAttributes];
  breakerState: [call: CallAttributes, state: BreakerStateName, opened: boolean];
  bulkheadQueued: [call: CallAttributes, delta: 1 | -1];
  bulkheadInFlight: [call: CallAttributes, delta: 1 | -1];
  bulkheadSlot: [call: CallAttributes, waitedMs: number, wasQueued: boolean, shared: boolean];
  bulkheadRejected: [call: CallAttributes];
  fallback: [call: CallAttributes, to: string, reason: string];
  budgetSpent: [spentUsd: number];
  budgetRefused: [call: CallAttributes, spentUsd: number, limitUsd: number];
  rateLimitWait: [call: CallAttributes, kind: 'requests' | 'tokens', waitedMs: number, shared: boolean];
  providerWindowHold: [call: CallAttributes, waitedMs: number];
  providerWindowSpent: [call: CallAttributes, kind: 'requests' | 'tokens', untilMs: number];
  streamTruncated: [call: CallAttributes, expected: string];
  storeOperation: [operation: string, durationMs: number, failed: boolean];
  storeUnavailable: [operation: string, error: unknown, firstOfOutage: boolean];
  storeRecovered: [outageMs: number];
}

type Listener<K extends keyof PolicyEventMap> = (...args: PolicyEventMap[K]) => void;

/** A typed emitter of {@link PolicyEventMap}; one per resilient client. */
export class PolicyEvents {
  private readonly listeners: { [K in keyof PolicyEventMap]?: Listener<K>[] } = {};

  /** Subscribes `listener` to `event`; returns a function that unsubscribes it. */
  on<K extends keyof PolicyEventMap>(event: K, listener: Listener<K>): () => void {
    let list = this.listeners[event] as Listener<K>[] | undefined;
    if (list === undefined) {
      list = [];
      (this.listeners as Record<string, unknown>)[event] = list;
    }
    list.push(listener);
    const listeners = list;
    return () => {
      const i = listeners.indexOf(listener);
      if (i >= 0) listeners.splice(i, 1);
    };
  }

  emit<K extends keyof PolicyEventMap>(event: K, ...args: PolicyEventMap[K]): void {
    const list = this.listeners[event] as Listener<K>[] | undefined;
    if (list === undefined) return;
    for (const listener of list) {
      try {
        listener(...args);
      } catch (err) {
        diag.error(`@aiotel/resilience: a listener of ${event} failed`, err);
      }
    }
  }
}
