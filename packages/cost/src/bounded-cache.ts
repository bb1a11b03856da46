/**
 * A map from a pair of keys (e.g. provider, model) holding at most `capacity` entries; when full, the oldest
 * insertion is dropped (FIFO). Model names can come from user input, so an unbounded cache would be a memory leak;
 * FIFO keeps a hit to two `Map.get` (no reordering on reads), and the entries that matter are re-resolved cheaply
 * when evicted. Two levels rather than one joined key: a key built per call (`${provider}\0${model}`) is a new
 * string that V8 flattens and hashes on every lookup, most of the cost of a cached lookup, while the strings as given
 * are hashed once each (a constant such as a provider id never again).
 */
export class BoundedCache<A, B, V> {
  readonly #map = new Map<A, Map<B, V>>();
  readonly #capacity: number;
  /** Insertion order as a ring: slot `#next` holds the oldest pair once `#size` reached the capacity. */
  readonly #firsts: A[] = [];
  readonly #seconds: B[] = [];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  get(a: A, b: B): V | undefined {
    return this.#map.get(a)?.get(b);
  }

  set(a: A, b: B, value: V): void {
    const known = this.#map.get(a);
    if (known?.has(b)) {
      known.set(b, value);
      return;
    }
    if (this.#size === this.#capacity) this.#drop(this.#firsts[this.#next]!, this.#seconds[this.#next]!);
    else this.#size++;
    this.#firsts[this.#next] = a;
    this.#seconds[this.#next] = b;
    this.#next = (this.#next + 1) % this.#capacity;
    // Looked up again: dropping the oldest pair may have removed this inner map.
    let inner = this.#map.get(a);
    if (inner === undefined) {
      inner = new Map();
      this.#map.set(a, inner);
    }
    inner.set(b, value);
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#map.clear();
    this.#firsts.length = 0;
    this.#seconds.length = 0;
    this.#next = 0;
    this.#size = 0;
  }

  #drop(a: A, b: B): void {
    const inner = this.#map.get(a);
    if (inner === undefined) return;
    inner.delete(b);
    if (inner.size === 0) this.#map.delete(a);
  }
}
