/** Something with a time limit: told when its deadline passed, unless the deadline was stopped first. */
export interface Expiring {
  expire(): void;
}

/** The longest delay `setTimeout` takes (a longer one would fire at once): a longer deadline is waited for in steps. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/** Queued entries that may pile up before the queue is compacted. */
const SLACK = 256;

/**
 * The deadlines of one duration, under one timer. Started in order, they expire in that order: a FIFO whose head
 * the timer is armed for, instead of a `setTimeout` / `clearTimeout` per attempt (a timer object and a timer-list
 * insert each). A stopped deadline stays queued and is skipped when reached; the timer is unreferenced while no
 * deadline is on, so it keeps the process alive exactly as long as one timer per deadline would.
 */
class DeadlineQueue {
  readonly ms: number;
  #entries: Deadline[] = [];
  /** Index of the first entry the timer has not passed. */
  #head = 0;
  /** Deadlines still on. */
  #on = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #firing = false;

  constructor(ms: number) {
    this.ms = ms;
  }

  start(deadline: Deadline): void {
    this.#entries.push(deadline);
    // While firing, the firing loop arms the timer when it is done.
    if (++this.#on === 1 && !this.#firing) {
      // A timer still armed is for an earlier, stopped deadline: it fires first and re-arms for this one.
      if (this.#timer === undefined) this.#arm(deadline.at);
      else this.#timer.ref();
    }
  }

  stop(deadline: Deadline): void {
    deadline.on = false;
    if (--this.#on === 0) {
      this.#timer?.unref();
      if (!this.#firing) this.#reset();
      return;
    }
    // While firing, the firing loop owns the queue (an expiry may stop other deadlines).
    if (this.#firing) return;
    // Attempts mostly end in start order: the stopped head is passed over now. Stopped ones piled up behind a long
    // attempt are dropped when they outnumber the live ones, so the queue stays about as long as what is on.
    const entries = this.#entries;
    while (!entries[this.#head]!.on) this.#head++;
    if (entries.length - this.#head > 2 * this.#on + SLACK) {
      this.#entries = entries.filter((e, i) => i >= this.#head && e.on);
      this.#head = 0;
    } else if (this.#head > SLACK && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    }
  }

  #reset(): void {
    this.#entries = [];
    this.#head = 0;
  }

  #arm(at: number): void {
    // Timers count whole milliseconds and may fire a fraction early: the rest is then waited for.
    const delay = Math.min(TIMEOUT_MAX, Math.max(1, Math.ceil(at - performance.now())));
    this.#timer = setTimeout(this.#fire, delay);
    if (this.#on === 0) this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    const entries = this.#entries;
    this.#firing = true;
    try {
      for (; this.#head < entries.length; this.#head++) {
        const deadline = entries[this.#head]!;
        if (!deadline.on) continue;
        if (deadline.at > now) break;
        deadline.on = false;
        this.#on--;
        deadline.expiring.expire();
      }
    } finally {
      this.#firing = false;
      if (this.#on === 0) this.#reset();
      else {
        // The head is now the earliest deadline still on.
        this.#entries = entries.slice(this.#head).filter((e) => e.on);
        this.#head = 0;
        this.#arm(this.#entries[0]!.at);
      }
    }
  };
}

/** One started deadline: `stop()` it when what it limits is done. */
export class Deadline {
  /** `performance.now()` at which it expires. */
  readonly at: number;
  /** Started and neither stopped nor expired (kept by its queue). */
  on = true;
  readonly expiring: Expiring;
  readonly #queue: DeadlineQueue;

  constructor(queue: DeadlineQueue, expiring: Expiring) {
    this.#queue = queue;
    this.expiring = expiring;
    this.at = performance.now() + queue.ms;
    queue.start(this);
  }

  stop(): void {
    if (this.on) this.#queue.stop(this);
  }
}

/** The time limits of one client's attempts: one timer per duration (attempt, first chunk), however many attempts. */
export class Deadlines {
  readonly #queues = new Map<number, DeadlineQueue>();

  /** Calls `expiring.expire()` in `ms`, unless the returned deadline is stopped first. */
  start(ms: number, expiring: Expiring): Deadline {
    let queue = this.#queues.get(ms);
    if (queue === undefined) {
      queue = new DeadlineQueue(ms);
      this.#queues.set(ms, queue);
    }
    return new Deadline(queue, expiring);
  }
}
