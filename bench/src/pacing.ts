/**
 * Side by side: workers that run at the same time measure each window under the same load. On this kind of host a
 * process's CPU per call moves by up to a fifth from one minute to the next (other tenants, clock), which a run of
 * processes one after another turns into differences between variants; two processes that time their windows
 * together see the same spell. The orchestrator holds each window's start until every worker is ready for it, and
 * keeps each worker making (unmeasured) calls after its window until every worker has measured, so the faster one
 * never finishes its window on a quieter machine.
 *
 * Messages: the worker sends `{ pace: 'ready', window }` and waits for `{ pace: 'go' }`; after the window
 * `{ pace: 'measured', window }`, then keeps busy until `{ pace: 'stop' }`.
 */
import type { ChildProcess } from 'node:child_process';
import type { Variant } from './variants.ts';

/**
 * The processes that run at the same time: each variant beside its floor (the control too: its ratio is then the
 * noise of two processes side by side); a floor with no variant selected runs alone.
 */
export function sideBySideGroups(variants: readonly Variant[]): Variant[][] {
  const byId = new Map(variants.map((v) => [v.id, v]));
  const groups: Variant[][] = [];
  for (const v of variants) {
    const floor = byId.get(v.floor);
    if (v.id !== v.floor && floor) groups.push([floor, v]);
    else if (v.id === v.floor && !variants.some((o) => o.id !== o.floor && o.floor === v.id))
      groups.push([v]);
  }
  return groups;
}

/** A pacing message between the orchestrator and a worker. */
export interface PaceMessage {
  readonly pace: 'ready' | 'go' | 'measured' | 'stop';
  readonly window?: string;
}

export function isPaceMessage(message: unknown): message is PaceMessage {
  return typeof (message as PaceMessage | null)?.pace === 'string';
}

/** The worker's side: one per process, forked with an IPC channel; unpaced, every step returns at once. */
export class WindowPace {
  private waiting: { want: PaceMessage['pace']; done: () => void } | undefined;
  private stopped = false;
  /** Calls made to keep busy (unmeasured), for the OTLP bytes per call made. */
  extraCalls = 0;

  private readonly paced: boolean;

  constructor(paced: boolean) {
    this.paced = paced;
    if (paced)
      process.on('message', (message) => {
        if (!isPaceMessage(message)) return;
        if (message.pace === 'stop') this.stopped = true;
        if (this.waiting?.want === message.pace) {
          const { done } = this.waiting;
          this.waiting = undefined;
          done();
        }
      });
  }

  /** Says this worker is ready for `window` and waits for the orchestrator's go. */
  ready(window: string): Promise<void> {
    if (!this.paced) return Promise.resolve();
    this.stopped = false;
    return new Promise((done) => {
      this.waiting = { want: 'go', done };
      process.send!({ pace: 'ready', window } satisfies PaceMessage);
    });
  }

  /**
   * Says `window` is measured, then runs `more` (unmeasured calls of the same kind, resolving to how many) until
   * every worker has measured.
   */
  async keepBusy(window: string, more: () => Promise<number>): Promise<void> {
    if (!this.paced) return;
    process.send!({ pace: 'measured', window } satisfies PaceMessage);
    while (!this.stopped) this.extraCalls += await more();
  }
}

/**
 * The orchestrator's side: releases each barrier once every worker still running has reached it. A worker that
 * exits no longer holds the others back.
 */
export class Pacer {
  private readonly alive = new Set<ChildProcess>();
  private readonly arrived = new Map<PaceMessage['pace'], Set<ChildProcess>>([
    ['ready', new Set()],
    ['measured', new Set()],
  ]);

  /** Paces `child` with the others added; call before it sends its first message. */
  add(child: ChildProcess): void {
    this.alive.add(child);
    child.on('message', (message) => {
      if (isPaceMessage(message) && (message.pace === 'ready' || message.pace === 'measured')) {
        this.arrived.get(message.pace)!.add(child);
        this.release();
      }
    });
    child.on('exit', () => {
      this.alive.delete(child);
      for (const set of this.arrived.values()) set.delete(child);
      this.release();
    });
  }

  private release(): void {
    for (const [step, reply] of [
      ['ready', 'go'],
      ['measured', 'stop'],
    ] as const) {
      const arrived = this.arrived.get(step)!;
      if (arrived.size === 0 || [...this.alive].some((c) => !arrived.has(c))) continue;
      for (const child of arrived) if (child.connected) child.send({ pace: reply } satisfies PaceMessage);
      arrived.clear();
    }
  }
}
