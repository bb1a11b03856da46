const encoder = new TextEncoder();

/** The search tables of one list of final events; made once per list and shared by its streams. */
export interface Tables {
  readonly events: readonly Uint8Array[];
  /** Length of the shortest event: the search window. */
  readonly window: number;
  /** One fewer than the longest event's length: the bytes an event may have in the chunks before. */
  readonly carry: number;
  /** Per byte at the end of the window: how far the window may move without passing over an event. */
  readonly shift: Uint8Array;
  /** Per byte: whether some event's first `window` bytes end with it (then the events are compared). */
  readonly ends: Uint8Array;
}

const tablesOf = new WeakMap<readonly string[], Tables>();

export function tables(list: readonly string[]): Tables {
  let found = tablesOf.get(list);
  if (found !== undefined) return found;
  const events = list.map((e) => encoder.encode(e));
  if (events.length === 0 || events.some((e) => e.length === 0)) {
    throw new TypeError('final events must be non-empty strings');
  }
  const window = Math.min(255, ...events.map((e) => e.length));
  const shift = new Uint8Array(256).fill(window);
  const ends = new Uint8Array(256);
  for (const event of events) {
    for (let j = 0; j < window - 1; j++) shift[event[j]!] = Math.min(shift[event[j]!]!, window - 1 - j);
    ends[event[window - 1]!] = 1;
  }
  found = { events, window, carry: Math.max(...events.map((e) => e.length)) - 1, shift, ends };
  tablesOf.set(list, found);
  return found;
}

/**
 * Looks for any of a stream's final events (a few short strings, such as `data: [DONE]`) in its chunks as they
 * pass, on the bytes: no text decoding and no regular expression per chunk. A multi-pattern Horspool search moves
 * by up to the shortest event's length per step; an event split across chunks is found from the last bytes of
 * the ones before and the first of the next. Matching UTF-8 bytes is matching the decoded text, for valid UTF-8.
 */
export class FinalEventScan {
  readonly #tables: Tables;
  /** The last bytes seen (up to `carry`), for an event split across chunks. */
  readonly #edge: Uint8Array;
  #edgeLength = 0;
  /** Scratch: the edge followed by the start of the next chunk. */
  readonly #joint: Uint8Array;

  constructor(events: readonly string[]) {
    this.#tables = tables(events);
    this.#edge = new Uint8Array(this.#tables.carry);
    this.#joint = new Uint8Array(2 * this.#tables.carry);
  }

  /** Whether one of the events ends in `chunk` (it may have started in the chunks before). */
  found(chunk: Uint8Array): boolean {
    const carry = this.#tables.carry;
    const edgeLength = this.#edgeLength;
    if (edgeLength > 0) {
      const joint = this.#joint;
      const head = Math.min(chunk.length, carry);
      for (let i = 0; i < edgeLength; i++) joint[i] = this.#edge[i]!;
      for (let i = 0; i < head; i++) joint[edgeLength + i] = chunk[i]!;
      if (search(this.#tables, joint, edgeLength + head)) return true;
    }
    if (search(this.#tables, chunk, chunk.length)) return true;
    this.#keepEdge(chunk, carry);
    return false;
  }

  /** Keeps the last `carry` bytes of what was seen, this chunk included. */
  #keepEdge(chunk: Uint8Array, carry: number): void {
    const edge = this.#edge;
    if (chunk.length >= carry) {
      for (let i = 0, from = chunk.length - carry; i < carry; i++) edge[i] = chunk[from + i]!;
      this.#edgeLength = carry;
      return;
    }
    const drop = Math.max(0, this.#edgeLength + chunk.length - carry);
    edge.copyWithin(0, drop, this.#edgeLength);
    const at = this.#edgeLength - drop;
    for (let i = 0; i < chunk.length; i++) edge[at + i] = chunk[i]!;
    this.#edgeLength = at + chunk.length;
  }
}

/** Whether one of the events lies in `bytes[0, length)`. */
export function search(tables: Tables, bytes: Uint8Array, length: number): boolean {
  const { events, window, shift, ends } = tables;
  for (let end = window - 1; end < length; end += shift[bytes[end]!]!) {
    if (ends[bytes[end]!] === 0) continue;
    const start = end - window + 1;
    for (const event of events) {
      if (start + event.length > length) continue;
      let k = 0;
      while (k < event.length && bytes[start + k] === event[k]) k++;
      if (k === event.length) return true;
    }
  }
  return false;
}
