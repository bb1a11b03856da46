import { describe, expect, it } from 'vitest';
import { frameStream, loadFraming, splitEvents, splitReads } from '../src/sse-framing.ts';

const encoder = new TextEncoder();
const EVENTS = [
  ...Array.from(
    { length: 40 },
    (_, i) => `data: {"choices":[{"delta":{"content":"token ${i}"}}],"usage":null}\n\n`,
  ),
  'data: [DONE]\n\n',
];
const BYTES = encoder.encode(EVENTS.join(''));

function joined(reads: readonly Uint8Array[]): string {
  return reads.map((read) => new TextDecoder().decode(read)).join('');
}

describe('sse-framing', () => {
  it('splits into the given read sizes and keeps the rest in a last read', () => {
    const reads = splitReads(BYTES, [10, 100]);
    expect(reads.map((read) => read.length)).toEqual([10, 100, BYTES.length - 110]);
    expect(joined(reads)).toBe(EVENTS.join(''));
    // Sizes beyond the bytes stop the split: no empty reads.
    expect(splitReads(BYTES, [BYTES.length, 5]).map((read) => read.length)).toEqual([BYTES.length]);
  });

  it('splits after every event, as spaced events arrive', () => {
    const reads = splitEvents(BYTES);
    expect(reads.map((read) => new TextDecoder().decode(read))).toEqual(EVENTS);
  });

  it("frames the same messages with the SDK's own framing however the bytes are read", async () => {
    const frame = loadFraming(7);
    const inOne = await frameStream(frame, [BYTES]);
    expect(inOne).toBe(EVENTS.length);
    expect(await frameStream(frame, splitEvents(BYTES))).toBe(inOne);
    expect(await frameStream(frame, splitReads(BYTES, [7, 300, 1000]))).toBe(inOne);
  });
});
