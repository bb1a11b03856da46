import { describe, expect, it } from 'vitest';
import { type AppRun, aiotelLines, appResult } from './harness/app.js';
import {
  type BadCollector,
  COLLECTOR_FAILURES,
  type CollectorFailure,
  startBadCollector,
} from './harness/bad-collector.js';
import { useTestBed } from './harness/test-bed.js';

// An app under the preload must end within AIOTEL_SHUTDOWN_TIMEOUT_MS + 1 s of its last work, and of SIGTERM, however
// the collector fails. The app runs for a few seconds with exports every half second (spans) and every second
// (metrics), so that exports are in flight, hung or retrying when it finishes; each export may take 10 s (the default
// OTEL_EXPORTER_OTLP_TIMEOUT), far beyond the bound.
const SHUTDOWN_TIMEOUT_MS = 2000;
const BOUND_MS = SHUTDOWN_TIMEOUT_MS + 1000;

const bed = useTestBed();

interface TimedRun extends AppRun {
  /** From the app's last work (its result line) to its end, ms. */
  readonly afterLastWorkMs: number;
}

async function runAgainst(
  failure: CollectorFailure,
  extra: Record<string, string>,
  sigtermAtEnd: boolean,
): Promise<{ run: TimedRun; collector: BadCollector }> {
  const collector = bed.closeAtEnd(await startBadCollector(failure));
  let doneAt = 0;
  const run = await bed.runChat(
    collector.url,
    {
      AIOTEL_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      OTEL_BSP_SCHEDULE_DELAY: '500',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      CALLS: '4',
      CALL_DELAY_MS: '800',
      ...extra,
    },
    {
      // Today's ends are not waited for: an app that is still running well past the bound is killed.
      watchdogMs: 20_000,
      onStdout: (stdout, child) => {
        if (doneAt === 0 && stdout.includes('"done":true')) {
          doneAt = Date.now();
          if (sigtermAtEnd) child.kill('SIGTERM');
        }
      },
    },
  );
  return { run: { ...run, afterLastWorkMs: Date.now() - doneAt }, collector };
}

describe.each(COLLECTOR_FAILURES)('a collector that fails (%s)', (failure) => {
  it(`lets the app end by itself within AIOTEL_SHUTDOWN_TIMEOUT_MS + 1 s of its last work, with its exit code`, async () => {
    const { run, collector } = await runAgainst(failure, { EXIT_CODE: '3' }, false);
    expect(run.killedByWatchdog, run.stderr).toBe(false);
    expect(appResult(run.stdout)?.results).toHaveLength(4);
    expect(run.code, run.stderr).toBe(3);
    expect(run.afterLastWorkMs, run.stderr).toBeLessThanOrEqual(BOUND_MS);
    // The failure was met: the app did try to export (nothing can connect to a refusing port).
    if (failure !== 'refuse') expect(collector.connections()).toBeGreaterThan(0);
    expect(aiotelLines(run.stderr).join('\n')).toMatch(/cannot export|took longer than/);
  });

  it('ends by SIGTERM within AIOTEL_SHUTDOWN_TIMEOUT_MS + 1 s of the signal', async () => {
    const { run } = await runAgainst(failure, { AFTER: 'wait' }, true);
    expect(run.killedByWatchdog, run.stderr).toBe(false);
    expect(run.signal).toBe('SIGTERM');
    expect(run.code).toBeNull();
    expect(run.afterLastWorkMs, run.stderr).toBeLessThanOrEqual(BOUND_MS);
  });
});
