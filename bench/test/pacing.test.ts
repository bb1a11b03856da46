import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPaceMessage, Pacer } from '../src/pacing.ts';

interface Report {
  startedAt: number;
  measuredAt: number;
  stoppedAt: number;
  extraCalls: number;
}

const WORKER = join(import.meta.dirname, 'fixtures', 'paced-worker.ts');

/** Forks the fixture worker, paced by `pacer`; resolves with its report, or its exit code if it sent none. */
function start(
  pacer: Pacer,
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<Report | number> } {
  const child = fork(WORKER, [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  pacer.add(child);
  let report: Report | undefined;
  child.on('message', (message) => {
    if (!isPaceMessage(message)) report = message as Report;
  });
  const done = new Promise<Report | number>((resolve) =>
    child.on('exit', (code) => resolve(report ?? code ?? -1)),
  );
  return { child, done };
}

describe('side-by-side pacing (real processes)', () => {
  it('starts both windows together and keeps the faster worker busy until the slower has measured', async () => {
    const pacer = new Pacer();
    const early = start(pacer, { READY_DELAY_MS: '0', WINDOW_MS: '50' });
    const late = start(pacer, { READY_DELAY_MS: '600', WINDOW_MS: '400' });
    const [a, b] = (await Promise.all([early.done, late.done])) as Report[];
    // Ready 600 ms apart, yet the windows start within a few ms of each other (the go reaches both at once). The
    // bound is half the 600 ms an unpaced pair would show, so a CI host that stalls one child for a moment (this file
    // runs beside the whole suite on two cores) does not fail it.
    expect(Math.abs(a!.startedAt - b!.startedAt)).toBeLessThan(300);
    // The early worker measured first and kept making calls until the late one had measured.
    expect(a!.measuredAt).toBeLessThan(b!.measuredAt - 200);
    expect(a!.stoppedAt).toBeGreaterThanOrEqual(b!.measuredAt);
    expect(a!.extraCalls).toBeGreaterThan(10);
    expect(b!.extraCalls).toBeLessThan(a!.extraCalls);
  }, 20_000);

  it('does not hold a worker back for one that exited', async () => {
    const pacer = new Pacer();
    const alive = start(pacer, { READY_DELAY_MS: '0', WINDOW_MS: '20' });
    const gone = start(pacer, { READY_DELAY_MS: '300', WINDOW_MS: '20', EXIT_BEFORE_READY: '1' });
    expect(await gone.done).toBe(3);
    const report = (await alive.done) as Report;
    expect(report.measuredAt - report.startedAt).toBeGreaterThanOrEqual(15);
    // Released as soon as it said it had measured: at most the one step already under way when the stop arrived.
    expect(report.extraCalls).toBeLessThanOrEqual(1);
  }, 20_000);
});
