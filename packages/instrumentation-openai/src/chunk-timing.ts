import type { Attributes, Histogram } from '@opentelemetry/api';
import type { Instruments } from './metrics.js';

/**
 * The batch record of `@aiotel/aggregating-meter-provider`'s histograms (the preload's): the buffered gaps with
 * their attribute set looked up once, not once per gap. The same `Symbol.for` key that package exports as
 * `RECORD_BATCH`; not imported, so this package works without it (any other histogram gets `record` per gap).
 */
const RECORD_BATCH = Symbol.for('@aiotel/aggregating-meter-provider.recordBatch');

interface BatchHistogram extends Histogram {
  [RECORD_BATCH]?: (values: ArrayLike<number>, count: number, attributes?: Attributes) => void;
}

/** Chunk gaps buffered per stream before they are recorded (bounds memory and metric delay: 2 KiB). */
const CHUNK_GAPS_BATCH = 256;

/**
 * Times a streamed call's output chunks: `gen_ai.client.operation.time_to_first_chunk` at the first, then one
 * `time_per_output_chunk` sample per later chunk. The gaps are buffered and recorded in batches (when the buffer
 * fills and when the call ends), off the caller's loop and in a tight loop that is cheaper for the SDK.
 */
export class ChunkTiming {
  // The chunk metrics' attributes, known at the first chunk (undefined: no chunk yet).
  private attributes: Attributes | undefined;
  private firstAt = 0;
  private lastAt = 0;
  private gaps: Float64Array | undefined;
  private gapCount = 0;

  /** @param startedAt when the call started (`performance.now()`). */
  constructor(
    private readonly instruments: Pick<Instruments, 'timeToFirstChunk' | 'timePerOutputChunk'>,
    private readonly startedAt: number,
  ) {}

  /** The first output chunk came at `now`, with the attributes of the call's chunk metrics. */
  first(now: number, attributes: Attributes): void {
    this.attributes = attributes;
    this.firstAt = now;
    this.lastAt = now;
    this.instruments.timeToFirstChunk.record((now - this.startedAt) / 1000, attributes);
  }

  /** A later output chunk came at `now`. */
  next(now: number): void {
    this.gaps ??= new Float64Array(CHUNK_GAPS_BATCH);
    this.gaps[this.gapCount++] = (now - this.lastAt) / 1000;
    this.lastAt = now;
    if (this.gapCount === CHUNK_GAPS_BATCH) this.flush();
  }

  /** Records the buffered gaps: one sample per gap, as if recorded chunk by chunk. */
  flush(): void {
    const { gaps, attributes } = this;
    const count = this.gapCount;
    this.gapCount = 0;
    if (gaps === undefined || attributes === undefined) return;
    const histogram: BatchHistogram = this.instruments.timePerOutputChunk;
    const recordBatch = histogram[RECORD_BATCH];
    if (typeof recordBatch === 'function') recordBatch.call(histogram, gaps, count, attributes);
    else for (let i = 0; i < count; i++) histogram.record(gaps[i] as number, attributes);
  }

  /** Seconds from the call's start to its first output chunk; undefined when none came. */
  timeToFirstChunk(): number | undefined {
    return this.attributes === undefined ? undefined : (this.firstAt - this.startedAt) / 1000;
  }
}
