import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { threadCpu, threadCpuSince } from '../src/thread-cpu.ts';

describe('threadCpuSince', () => {
  it("charges this thread's busy time to this thread's name", () => {
    // `MainThread` in a process of its own, the pool's name when the test runner runs this file in a worker.
    const name = readFileSync('/proc/thread-self/comm', 'utf8').trim();
    const start = threadCpu();
    const until = performance.now() + 60;
    while (performance.now() < until) {
      // Busy on this thread alone.
    }
    const byName = threadCpuSince(start);
    expect(byName.get(name)).toBeGreaterThan(40);
    const others = [...byName].filter(([other]) => other !== name).reduce((sum, [, ms]) => sum + ms, 0);
    expect(others).toBeLessThan(byName.get(name)!);
  });
});
