import { describe, expect, it } from 'vitest';
import { type StartupMode, type StartupRun, summarize } from '../src/startup.ts';

const MODES: StartupMode[] = [
  { id: 'raw', description: '', app: 'app.mjs', nodeArgs: [], floor: 'raw' },
  { id: 'preload', description: '', app: 'app.mjs', nodeArgs: [], floor: 'raw' },
];

const run = (wallMs: number, cpuMs = wallMs, firstLineMs = 40, maxRssMiB = 90): StartupRun => ({
  wallMs,
  cpuMs,
  firstLineMs,
  maxRssMiB,
});

describe('the start-up summary', () => {
  it('takes medians over every run, and differences to the floor round by round', () => {
    const rounds = [
      // A slow round for everyone: its difference (300) counts like the others, not its level.
      { raw: [run(1000), run(1002)], preload: [run(1300), run(1302, 1302, 340, 120)] },
      { raw: [run(500), run(502)], preload: [run(700), run(702, 702, 240, 110)] },
      { raw: [run(600), run(600)], preload: [run(850), run(850, 850, 290, 115)] },
    ];
    const [raw, preload] = summarize(MODES, rounds);
    expect(raw?.runs).toBe(6);
    expect(raw?.overFloor.wallMs).toBe(0);
    expect(preload?.median.wallMs).toBe(850);
    // Per round: 300, 200, 250 → 250 (here the overall medians' difference, 850 − 600, is 250 too; the next test
    // tells the two apart).
    expect(preload?.overFloor.wallMs).toBe(250);
    expect(preload?.median.firstLineMs).toBe(140);
    expect(preload?.overFloor.maxRssMiB).toBeCloseTo(12.5);
  });

  it('is the per-round difference, not the difference of the overall medians', () => {
    const rounds = [
      { raw: [run(100)], preload: [run(190)] },
      { raw: [run(1000)], preload: [run(1010)] },
      { raw: [run(1000)], preload: [run(1020)] },
    ];
    const [, preload] = summarize(MODES, rounds);
    // Overall medians: 1010 − 1000 = 10; per round 90, 10, 20 → 20.
    expect(preload?.overFloor.wallMs).toBe(20);
  });
});
