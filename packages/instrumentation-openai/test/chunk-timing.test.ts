import type { Attributes, Histogram } from '@opentelemetry/api';
import { describe, expect, it, type Mock, vi } from 'vitest';
import { ChunkTiming } from '../src/chunk-timing.js';

const RECORD_BATCH = Symbol.for('@aiotel/aggregating-meter-provider.recordBatch');
const attributes: Attributes = Object.freeze({ 'gen_ai.request.model': 'gpt-4o-mini' });

function histogram(): Histogram & { record: Mock<Histogram['record']> } {
  return { record: vi.fn<Histogram['record']>() };
}

/** A stream of `chunks` output chunks, 2 ms apart from 10 ms after the call's start, then its end. */
function stream(timing: ChunkTiming, chunks: number): void {
  timing.first(10, attributes);
  for (let i = 1; i < chunks; i++) timing.next(10 + 2 * i);
  timing.flush();
}

describe('ChunkTiming', () => {
  it('records the time to the first chunk and one gap per later chunk, in seconds', () => {
    const instruments = { timeToFirstChunk: histogram(), timePerOutputChunk: histogram() };
    stream(new ChunkTiming(instruments, 0), 4);
    expect(instruments.timeToFirstChunk.record.mock.calls).toEqual([[0.01, attributes]]);
    expect(instruments.timePerOutputChunk.record.mock.calls).toEqual([
      [0.002, attributes],
      [0.002, attributes],
      [0.002, attributes],
    ]);
  });

  it("hands the buffered gaps to an aggregated histogram's batch record, one call per batch", () => {
    const batches: number[][] = [];
    const perChunk = {
      ...histogram(),
      // The buffer is reused after the call: what a batch holds is copied at the call.
      [RECORD_BATCH]: (values: ArrayLike<number>, count: number, batchAttributes?: Attributes) => {
        expect(batchAttributes).toBe(attributes);
        batches.push(Array.from(values).slice(0, count));
      },
    };
    const timing = new ChunkTiming({ timeToFirstChunk: histogram(), timePerOutputChunk: perChunk }, 0);
    stream(timing, 300);
    expect(perChunk.record).not.toHaveBeenCalled();
    // 299 gaps: a full buffer of 256 when it filled, the other 43 at the end.
    expect(batches.map((batch) => batch.length)).toEqual([256, 43]);
    expect(batches.flat().every((gap) => Math.abs(gap - 0.002) < 1e-12)).toBe(true);
  });
});
