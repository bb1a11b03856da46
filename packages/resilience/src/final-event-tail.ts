import { search, type Tables, tables } from './final-event-scan.js';

/**
 * Looks for a stream's final event in its last bytes only, once the stream has ended: for streams whose final
 * event is their last (chat's `data: [DONE]`, or the finish reason with at most a usage chunk after it; Messages'
 * `message_stop`). Per chunk it copies the chunk's bytes into a ring of the last `within` bytes (one native copy)
 * instead of searching them: searching every chunk cost about 0.2 µs per chunk of a chat stream (bench/src/layers.ts).
 * Not for events that may begin far from the end (the Responses API's final event carries the whole response).
 */
export class FinalEventTail {
  readonly #tables: Tables;
  readonly #ring: Uint8Array;
  /** Where the next byte goes. */
  #end = 0;
  /** Whether the ring has wrapped (all of it holds stream bytes). */
  #full = false;

  /** @param within how many of the last bytes are searched; at least the longest event's length. */
  constructor(events: readonly string[], within: number) {
    this.#tables = tables(events);
    this.#ring = new Uint8Array(Math.max(within, this.#tables.carry + 1));
  }

  /** Keeps the chunk's bytes (the last `within` of all seen). */
  keep(chunk: Uint8Array): void {
    const ring = this.#ring;
    const size = ring.length;
    const length = chunk.length;
    if (length >= size) {
      ring.set(length === size ? chunk : chunk.subarray(length - size));
      this.#end = 0;
      this.#full = true;
      return;
    }
    const end = this.#end;
    const room = size - end;
    if (length < room) {
      ring.set(chunk, end);
      this.#end = end + length;
      return;
    }
    ring.set(chunk.subarray(0, room), end);
    if (length > room) ring.set(chunk.subarray(room), 0);
    this.#end = length - room;
    this.#full = true;
  }

  /** Whether one of the events lies in the bytes kept. */
  found(): boolean {
    const ring = this.#ring;
    if (!this.#full) return search(this.#tables, ring, this.#end);
    const ordered = new Uint8Array(ring.length);
    ordered.set(ring.subarray(this.#end));
    ordered.set(ring.subarray(0, this.#end), ring.length - this.#end);
    return search(this.#tables, ordered, ordered.length);
  }
}
