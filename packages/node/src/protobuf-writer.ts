import { ByteWriter } from './byte-writer.js';

/**
 * A protobuf writer over one growable buffer that is reused from call to call: nested messages are written after a
 * length slot that is back-patched (the body shifts only when its length needs another byte), and strings go straight
 * into the buffer. Numbers are encoded exactly as `@opentelemetry/otlp-transformer` 0.301's ProtobufWriter does, so
 * the output is byte-identical to upstream's for the same input.
 */
export class ProtobufWriter extends ByteWriter {
  #view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);

  protected override use(buffer: Buffer<ArrayBuffer>): void {
    super.use(buffer);
    this.#view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Reserves `slot` bytes for the length of the message written next; give the result to `end`. */
  begin(slot: number): number {
    this.ensure(slot);
    const start = this.pos;
    this.pos += slot;
    return start;
  }

  /** Writes the length of the message begun at `start`, moving its body if the length needs a different slot. */
  end(start: number, slot: number): void {
    const length = this.pos - start - slot;
    const size = varintSize(length);
    if (size !== slot) {
      this.ensure(size - slot);
      this.buf.copyWithin(start + size, start + slot, this.pos);
      this.pos += size - slot;
    }
    const buf = this.buf;
    let v = length;
    let at = start;
    while (v > 127) {
      buf[at++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[at] = v;
  }

  /** Two bytes, e.g. the tag of a field numbered 16 to 2047. */
  bytes2(a: number, b: number): void {
    this.ensure(2);
    this.buf[this.pos++] = a;
    this.buf[this.pos++] = b;
  }

  /** A varint the way upstream writes one: 32-bit values directly, others as 64-bit two's complement. */
  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 127) {
        buf[this.pos++] = (v & 127) | 128;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = (value / 4294967296) >>> 0;
    } else {
      const abs = Math.abs(value);
      low = ~(abs >>> 0) >>> 0;
      high = ~((abs / 4294967296) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 127) {
      buf[this.pos++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low & 127;
  }

  // Through the DataView, not `value >>> 0` and shifts: the values are small integers (flags) and halves of
  // timestamps above 2^30 (doubles to V8), and the shift's integer-only feedback from the first made V8 deoptimize
  // this once the second came, and compile it again (`bench/src/compile-summary.ts`).
  fixed32(value: number): void {
    this.ensure(4);
    this.#view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.#view.setUint32(this.pos, low, true);
    this.#view.setUint32(this.pos + 4, high, true);
    this.pos += 8;
  }

  /** HrTime `[seconds, nanoseconds]` as fixed64 nanoseconds, exact beyond 2^53 (upstream's arithmetic). */
  hrTime(time: readonly [number, number]): void {
    const seconds = time[0];
    const nanos = time[1];
    const fromLow16 = (seconds & 65535) * 1e9;
    const fromHigh = ((seconds / 65536) >>> 0) * 1e9;
    const low = (fromLow16 >>> 0) + (((fromHigh & 65535) * 65536) >>> 0) + nanos;
    const high =
      Math.floor(fromLow16 / 4294967296) + ((fromHigh / 65536) >>> 0) + Math.floor(low / 4294967296);
    this.fixed64(low >>> 0, high >>> 0);
  }

  double(value: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Length-prefixed bytes. */
  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A hex id as length-prefixed bytes, decoded the way upstream's hexToBinary decodes it (odd tails dropped). */
  hexBytes(hex: string): void {
    const n = hex.length >>> 1;
    this.varint(n);
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 2 * n; i += 2) {
      buf[pos++] = ((hexValue(hex.charCodeAt(i)) << 4) | hexValue(hex.charCodeAt(i + 1))) & 255;
    }
    this.pos = pos;
  }

  /** A length-prefixed UTF-8 string: short ASCII by a loop, the rest by one native write. */
  string(str: string): void {
    // A number or boolean (a span name set by untyped code) is written as an empty string, as upstream 0.301.0 did;
    // 0.301.2 throws there, and null throws in both, losing the whole batch.
    if (typeof str !== 'string') {
      this.byte(0);
      return;
    }
    const n = str.length;
    if (n < 128) {
      this.ensure(n + 1);
      const buf = this.buf;
      let pos = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = str.charCodeAt(i);
        if (c > 127) break;
        buf[pos++] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = pos;
        return;
      }
    }
    // UTF-8 takes at least one byte per UTF-16 unit and at most three, so the slot starts at the size for `n`.
    this.ensure(5 + 3 * n);
    const slot = varintSize(n);
    const start = this.pos;
    this.pos = start + slot + this.buf.write(str, start + slot, 'utf8');
    this.end(start, slot);
  }
}

/** Bytes of a varint for an unsigned 32-bit length. */
function varintSize(v: number): number {
  return v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
}

/** Upstream's hex digit values by char code, non-hex characters included (`c - 55`), for codes below 256. */
const HEX = Int16Array.from({ length: 256 }, (_, c) => {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return c - 55;
});

function hexValue(c: number): number {
  return c < 256 ? (HEX[c] as number) : c - 55;
}
