import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installStack } from './src/binaries.js';
import { type CounterPoint, sendCounterPoints } from './src/counter-points.js';
import { type RunningStack, startStack } from './src/stack.js';
import { waitFor } from './src/wait.js';

// How the shipped collector config adds up one process's cumulative points (collector/README.md, "Totals that are
// right"), with points sent as the Node SDK sends them, one request at a time: the totals the collector exposes
// must be the process's last value, whatever the timestamps and however often a point is resent.
const MS = 1_000_000n;
const workDir = mkdtempSync(join(tmpdir(), 'aiotel-e2e-cumulative-'));
let stack: RunningStack | undefined;
/** The process's start, in ns: after the collector's, so its first point counts in full. */
let start = 0n;

beforeAll(async () => {
  stack = await startStack(await installStack(), workDir);
  start = BigInt(Date.now()) * MS;
});

afterAll(async () => {
  await stack?.stop();
});

/** Sends `points` of the counter `metric` of one process (its instance id is the metric's name). */
function send(metric: string, points: CounterPoint[]): Promise<void> {
  const otlpHttpUrl = stack?.otlpHttpUrl ?? '';
  const process = { otlpHttpUrl, service: 'cumulative-points', instance: metric, startNs: start };
  return sendCounterPoints(process, metric, points);
}

/** The total the collector exposes for `metric`, once a marker sent after its points has come through. */
async function totalOf(metric: string): Promise<number | undefined> {
  const marker = `${metric}_marker`;
  await send(marker, [{ startMs: 0, timeMs: 100, value: 1 }]);
  const text = await waitFor(`${marker} in the collector's metrics`, async () => {
    const body = await (await fetch(stack?.collectorMetricsUrl ?? '')).text();
    return body.includes(`${marker}_total{`) ? body : undefined;
  });
  const line = text.split('\n').find((l) => l.startsWith(`${metric}_total{`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe("one process's cumulative points", () => {
  it('are counted once when the first one is stamped with its start (a call in the millisecond of the export)', async () => {
    await send('first_point_at_its_start', [
      { startMs: 0, timeMs: 0, value: 1 },
      { startMs: 0, timeMs: 1000, value: 3 },
      { startMs: 0, timeMs: 2000, value: 4 },
    ]);
    expect(await totalOf('first_point_at_its_start')).toBe(4);
  });

  it('are counted once when a point is sent twice (an export retried after the collector had taken it)', async () => {
    await send('point_resent', [
      { startMs: 0, timeMs: 100, value: 1 },
      { startMs: 0, timeMs: 100, value: 1 },
      { startMs: 0, timeMs: 1000, value: 3 },
      { startMs: 0, timeMs: 1000, value: 3 },
    ]);
    expect(await totalOf('point_resent')).toBe(3);
  });

  // What the collector cannot handle, and why @aiotel/node never lets one export of a process overtake another.
  it('are counted twice between an overtaken point and the next one', async () => {
    await send('point_overtaken', [
      { startMs: 0, timeMs: 100, value: 1 },
      { startMs: 0, timeMs: 2000, value: 3 },
      { startMs: 0, timeMs: 100, value: 1 },
      { startMs: 0, timeMs: 3000, value: 4 },
    ]);
    // 4 calls, but cumulative_to_delta took the late point for a reset and counted the 2 calls after it again.
    expect(await totalOf('point_overtaken')).toBe(6);
  });
});
