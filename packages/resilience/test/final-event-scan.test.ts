import { describe, expect, it } from 'vitest';
import { FinalEventScan } from '../src/final-event-scan.js';

const CHAT = ['data: [DONE]', '"finish_reason":"', '"finish_reason": "'];
const encoder = new TextEncoder();

/** The index of the first chunk after which the text so far contains an event, by plain string search. */
function expectedIndex(chunks: readonly string[], events: readonly string[]): number {
  let text = '';
  for (let i = 0; i < chunks.length; i++) {
    text += chunks[i];
    if (events.some((e) => text.includes(e))) return i;
  }
  return -1;
}

/** The index of the first chunk the scan reports, or -1. */
function scannedIndex(chunks: readonly string[], events: readonly string[]): number {
  const scan = new FinalEventScan(events);
  return chunks.findIndex((c) => scan.found(encoder.encode(c)));
}

/** `text` cut at the given offsets. */
function cut(text: string, offsets: readonly number[]): string[] {
  const chunks: string[] = [];
  let from = 0;
  for (const at of [...offsets, text.length]) {
    chunks.push(text.slice(from, at));
    from = at;
  }
  return chunks;
}

/** A small deterministic random source (the failures must be reproducible). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

const chunk = (content: string, finish: string) =>
  `data: {"id":"c","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":${finish}}]}\n\n`;
const BODY = `${chunk('héllo ✓', 'null')}${chunk(' wörld', 'null')}${chunk('', '"stop"')}data: [DONE]\n\n`;

describe('FinalEventScan', () => {
  it('finds each event in the chunk where it ends, whichever bytes it is cut at', () => {
    for (const event of CHAT) {
      const text = `${chunk('x', 'null')}${event}${chunk('y', 'null')}`;
      const start = text.indexOf(event);
      for (let a = start - 2; a <= start + event.length + 1; a++) {
        for (let b = a + 1; b <= start + event.length + 2; b++) {
          const chunks = cut(text, [a, b]);
          expect(scannedIndex(chunks, [event]), `${event} cut at ${a}, ${b}`).toBe(
            expectedIndex(chunks, [event]),
          );
        }
      }
    }
  });

  it('agrees with a plain string search on randomly cut streams, down to one byte per chunk', () => {
    const next = random(42);
    const bodies = [
      BODY,
      BODY.replace('data: [DONE]\n\n', ''),
      BODY.replace('"finish_reason":"stop"', '"finish_reason":null'),
      chunk('no end', 'null').repeat(5),
      `${chunk('a', 'null')}"finish_reason": "length"`,
      'data: [DON',
    ];
    for (const body of bodies) {
      for (let round = 0; round < 200; round++) {
        const offsets: number[] = [];
        for (let at = 0; at < body.length; at += 1 + Math.floor(next() * (round % 2 ? 3 : 40))) {
          if (at > 0) offsets.push(at);
        }
        const chunks = cut(body, offsets);
        expect(scannedIndex(chunks, CHAT)).toBe(expectedIndex(chunks, CHAT));
      }
    }
  });

  it('finds nothing in text that only resembles an event', () => {
    const near = [
      'data: [DONE',
      'data:[DONE]',
      '"finish_reason":null',
      '"finish_reason" : "stop"',
      'DATA: [DONE]',
    ];
    expect(scannedIndex([near.join('\n')], CHAT)).toBe(-1);
    expect(scannedIndex(near, CHAT)).toBe(-1);
  });

  it('keeps one set of search tables per event list, and separate carried bytes per stream', () => {
    const a = new FinalEventScan(CHAT);
    const b = new FinalEventScan(CHAT);
    expect(a.found(encoder.encode('data: [DO'))).toBe(false);
    expect(b.found(encoder.encode('NE]'))).toBe(false);
    expect(a.found(encoder.encode('NE]'))).toBe(true);
  });

  it('refuses an empty event, which would match any stream', () => {
    expect(() => new FinalEventScan(['data: [DONE]', ''])).toThrow(TypeError);
  });
});
