import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from '../src/deadlines.js';

/** A deadline's owner that records when (fake time) it expired. */
function expiring(name: string, log: string[]) {
  return { expire: () => log.push(`${name}@${Date.now()}`) };
}

/** Timers that keep the process alive (`process.getActiveResourcesInfo()` lists one `Timeout` per referenced timer). */
const referencedTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('deadlines of the same duration', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('expire each at its own time, in start order, under one timer; stopped ones never expire', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new Deadlines();
    const log: string[] = [];
    const a = deadlines.start(100, expiring('a', log));
    vi.advanceTimersByTime(30);
    const b = deadlines.start(100, expiring('b', log));
    vi.advanceTimersByTime(30);
    deadlines.start(100, expiring('c', log));
    const other = deadlines.start(50, expiring('other', log));
    expect(vi.getTimerCount()).toBe(2); // one per duration, not one per deadline
    b.stop();
    vi.advanceTimersByTime(39);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['a@100']);
    vi.advanceTimersByTime(100);
    expect(log).toEqual(['a@100', 'other@110', 'c@160']);
    a.stop(); // already expired: nothing happens
    other.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after a stopped head, a later deadline still expires on time', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new Deadlines();
    const log: string[] = [];
    deadlines.start(100, expiring('first', log)).stop();
    vi.advanceTimersByTime(60);
    deadlines.start(100, expiring('second', log));
    vi.advanceTimersByTime(99);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['second@160']);
  });

  it('expire exactly the deadlines still on among thousands stopped out of order behind a long one', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new Deadlines();
    const log: string[] = [];
    const kept = new Set<number>();
    const started = Array.from({ length: 5_000 }, (_, i) => {
      vi.advanceTimersByTime(i % 7 === 0 ? 1 : 0);
      return deadlines.start(10_000, expiring(String(i), log));
    });
    // The first stays on the whole time (a long attempt); of the others, every 97th stays on.
    for (let i = 4_999; i >= 1; i--) {
      if (i % 97 === 0) kept.add(i);
      else started[i]!.stop();
    }
    kept.add(0);
    vi.advanceTimersByTime(20_000);
    const expired = log.map((entry) => Number(entry.split('@')[0]));
    expect(expired).toEqual([...kept].sort((x, y) => x - y));
  });

  it('expire the ones still on when most stop in start order', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new Deadlines();
    const log: string[] = [];
    const started = Array.from({ length: 600 }, (_, i) => deadlines.start(1_000, expiring(String(i), log)));
    // Once 0-300 are stopped the queue drops them: 301 is then its head.
    for (let i = 0; i < 600; i++) if (i !== 301 && i !== 599) started[i]!.stop();
    vi.advanceTimersByTime(1_000);
    expect(log).toEqual(['301@1000', '599@1000']);
  });

  it('longer than a timer can wait (about 24.8 days) expire on time, not at once', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new Deadlines();
    const log: string[] = [];
    const timers = vi.spyOn(globalThis, 'setTimeout');
    deadlines.start(3e9, expiring('long', log));
    vi.advanceTimersByTime(100);
    expect(timers).toHaveBeenCalledTimes(1); // armed for the longest wait, not re-armed every millisecond
    vi.advanceTimersByTime(2 ** 31);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(3e9);
    expect(log).toEqual(['long@3000000000']);
  });

  it('keep the process alive only while a deadline is on, as a timer per deadline would', () => {
    const deadlines = new Deadlines();
    const before = referencedTimers();
    const first = deadlines.start(60_000, { expire: () => undefined });
    expect(referencedTimers()).toBe(before + 1);
    const second = deadlines.start(60_000, { expire: () => undefined });
    first.stop();
    expect(referencedTimers()).toBe(before + 1);
    second.stop();
    expect(referencedTimers()).toBe(before);
    // The timer left armed for the stopped deadlines is referenced again for a new one.
    const third = deadlines.start(60_000, { expire: () => undefined });
    expect(referencedTimers()).toBe(before + 1);
    third.stop();
    expect(referencedTimers()).toBe(before);
  });
});
