/**
 * A Map that holds at most `capacity` entries; when full, the oldest insertion is dropped (FIFO).
 * Model names can come from user input, so an unbounded cache would be a memory leak; FIFO keeps a hit
 * to one `Map.get` (no reordering on reads), and the entries that matter are re-resolved cheaply when evicted.
 */
export class BoundedCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  set(key: K, value: V): void {
    if (!this.#map.has(key) && this.#map.size >= this.#capacity) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }

  get size(): number {
    return this.#map.size;
  }

  get capacity(): number {
    return this.#capacity;
  }

  clear(): void {
    this.#map.clear();
  }
}
