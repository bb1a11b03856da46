import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { AttributePaths } from './attribute-paths.js';

/** Where measurements go once an instrument has as many attribute sets as its limit allows (as the SDK does). */
const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });
const NO_ATTRIBUTES: Attributes = Object.freeze({});
/** Paths kept per store for attribute objects built per measurement (a few HTTP or resilience attribute sets each). */
const MAX_PATHS = 1024;

/** One attribute set's measurements since its start: a sum, and for histograms count, min, max and bucket counts. */
export class Series {
  /** Measurements since the last collection (a delta series with none is not reported). */
  updates = 0;
  sum = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Counts per bucket (histograms): `counts[i]` holds values in (boundaries[i-1], boundaries[i]]. */
  counts: number[] | undefined;
  /** Set when the series is dropped from its store: a cached reference must look it up again. */
  dropped = false;
  /** Whether a delta collection reported it (its next point then starts at that collection). */
  reported = false;

  constructor(
    readonly attributes: Attributes,
    /** Epoch ms of the first measurement (cumulative), or of the last collection that reported it (delta). */
    public startMs: number,
    buckets: number,
  ) {
    if (buckets > 0) this.counts = new Array<number>(buckets).fill(0);
  }

  /** Back to empty, for the next delta interval. */
  reset(): void {
    this.updates = 0;
    this.sum = 0;
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.counts?.fill(0);
  }
}

/**
 * The series of one instrument, by attribute set. The attribute set is found by object identity first: a frozen
 * object of primitive values (what the GenAI instrumentations pass, built once and shared by the calls like it)
 * cannot change, so the key the SDK would compute on every measurement (sorted keys, `JSON.stringify`, a map
 * lookup: about 1 µs for six attributes) is computed once per object. Other objects (built anew for each
 * measurement) are found by their keys and values through {@link AttributePaths}, and keyed only the first time.
 */
export class SeriesStore {
  private readonly byKey = new Map<string, Series>();
  private readonly byObject = new WeakMap<Attributes, Series>();
  private readonly byPath = new AttributePaths<Series>(MAX_PATHS);
  private overflow: Series | undefined;

  /**
   * @param buckets bucket count of each series (0: a sum).
   * @param limit most attribute sets kept, the overflow set included (the reader's cardinality limit).
   */
  constructor(
    private readonly buckets: number,
    private readonly limit: number,
  ) {}

  /** The series of `attributes`, created at `nowMs` if new. */
  series(attributes: Attributes | undefined): Series {
    // Not an object (undefined, or what a plain-JS caller passed by mistake): no attributes.
    if (typeof attributes !== 'object' || attributes === null) return this.lookup(NO_ATTRIBUTES);
    const known = this.byObject.get(attributes);
    if (known !== undefined && !known.dropped) return known;
    // A frozen object is found by identity from its second measurement on; others by their path.
    const leaf = Object.isFrozen(attributes) ? undefined : this.byPath.leaf(attributes);
    if (leaf === undefined) return this.lookup(attributes);
    const cached = leaf.value;
    if (cached !== undefined && !cached.dropped) return cached;
    const found = this.lookup(attributes);
    // The overflow series is not cached (a kept series may free a place later), as with byObject.
    leaf.value = found === this.overflow ? undefined : found;
    return found;
  }

  /** Every series that is kept (the overflow series last). */
  *all(): IterableIterator<Series> {
    yield* this.byKey.values();
    if (this.overflow !== undefined) yield this.overflow;
  }

  /** Drops the series that had no measurement since the last collection (delta: nothing to report, memory back). */
  dropIdle(): void {
    for (const [key, series] of this.byKey) {
      if (series.updates > 0) continue;
      series.dropped = true;
      this.byKey.delete(key);
    }
    if (this.overflow !== undefined && this.overflow.updates === 0) this.overflow = undefined;
  }

  private lookup(attributes: Attributes): Series {
    const key = attributesKey(attributes);
    let series = this.byKey.get(key);
    if (series === undefined) {
      if (this.byKey.size >= this.limit - 1) {
        this.overflow ??= new Series(OVERFLOW_ATTRIBUTES, Date.now(), this.buckets);
        return this.overflow;
      }
      const unchangeable = Object.isFrozen(attributes) && primitiveValues(attributes);
      series = new Series(
        unchangeable ? attributes : Object.freeze({ ...attributes }),
        Date.now(),
        this.buckets,
      );
      this.byKey.set(key, series);
    }
    if (Object.isFrozen(attributes) && primitiveValues(attributes)) this.byObject.set(attributes, series);
    return series;
  }
}

/** The SDK's attribute key: sorted keys and their values as JSON (one series per distinct set, in any key order). */
function attributesKey(attributes: Attributes): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  keys.sort();
  return JSON.stringify(keys.map((key) => [key, attributes[key]]));
}

// An array value could still change inside a frozen object: such objects are keyed on every measurement.
function primitiveValues(attributes: Attributes): boolean {
  for (const key in attributes) {
    const value: AttributeValue | undefined = attributes[key];
    if (typeof value === 'object' && value !== null) return false;
  }
  return true;
}
