import { ByteWriter } from './byte-writer.js';

/** Strings longer than this are escaped by `JSON.stringify` and written natively; shorter ones by a loop. */
const LOOP_MAX_LENGTH = 256;

/**
 * A JSON writer over one growable buffer reused from batch to batch: literals pre-encoded once (`literal`), strings
 * escaped exactly as `JSON.stringify` escapes them, numbers as it writes them, straight into the buffer as UTF-8 (what
 * `TextEncoder` makes of `JSON.stringify`'s output), with no intermediate string.
 */
export class JsonWriter extends ByteWriter {
  /** A string as JSON: plain printable ASCII by a loop, anything to escape or beyond ASCII by `JSON.stringify`. */
  string(str: string): void {
    const n = str.length;
    if (n <= LOOP_MAX_LENGTH) {
      this.ensure(n + 2);
      const buf = this.buf;
      let pos = this.pos;
      buf[pos++] = 0x22;
      let i = 0;
      for (; i < n; i++) {
        const c = str.charCodeAt(i);
        // Printable ASCII but the quote and the backslash: written as is by JSON.stringify and by UTF-8.
        if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) break;
        buf[pos++] = c;
      }
      if (i === n) {
        buf[pos++] = 0x22;
        this.pos = pos;
        return;
      }
    }
    this.utf8(JSON.stringify(str));
  }

  /** A string's UTF-8 bytes as they are (JSON already). */
  utf8(json: string): void {
    this.ensure(3 * json.length);
    this.pos += this.buf.write(json, this.pos, 'utf8');
  }

  /** A number as `JSON.stringify` writes it: `null` when not finite. */
  number(value: number): void {
    this.ascii(Number.isFinite(value) ? `${value}` : 'null');
  }

  /** A string known to be ASCII and to need no escaping (digits, base64), without quotes. */
  ascii(str: string): void {
    const n = str.length;
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = str.charCodeAt(i);
    this.pos = pos;
  }
}

/** A JSON fragment's bytes, encoded once at load for `raw`. */
export function literal(json: string): Uint8Array {
  return Buffer.from(json, 'utf8');
}
