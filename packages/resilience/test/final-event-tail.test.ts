import { describe, expect, it } from 'vitest';
import { FinalEventTail } from '../src/final-event-tail.js';

const CHAT = ['data: [DONE]', '"finish_reason":"', '"finish_reason": "'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A small deterministic random source (the failures must be reproducible). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** What the tail search must answer: whether an event lies in the last `within` bytes of the text. */
function expected(text: string, events: readonly string[], within: number): boolean {
  const bytes = encoder.encode(text);
  const last = decoder.decode(bytes.subarray(Math.max(0, bytes.length - within)));
  return events.some((e) => last.includes(e));
}

/** Feeds the text cut into chunks of random sizes (1 to maxChunk bytes) and asks at the end. */
function tailFound(
  text: string,
  events: readonly string[],
  within: number,
  next: () => number,
  maxChunk: number,
) {
  const bytes = encoder.encode(text);
  const tail = new FinalEventTail(events, within);
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * maxChunk);
    tail.keep(bytes.subarray(at, at + size));
    at += size;
  }
  return tail.found();
}

const chunk = (content: string, finish: string) =>
  `data: {"id":"c","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":${finish}}]}\n\n`;

describe('FinalEventTail', () => {
  it('agrees with a string search of the last bytes, whatever the chunk sizes and however often the ring wrapped', () => {
    const next = random(7);
    const within = 64;
    const bodies = [
      `${chunk('héllo ✓', 'null').repeat(9)}${chunk('', '"stop"')}data: [DONE]\n\n`,
      `${chunk('a', 'null').repeat(9)}${chunk('', '"stop"')}`,
      `${chunk('a', 'null').repeat(9)}`,
      // The event ends the text but starts before the last 64 bytes: not found, by design.
      `${chunk('a', 'null').repeat(3)}data: [DONE]${' '.repeat(60)}`,
      `${chunk('a', 'null')}data: [DO`,
      'data: [DONE]',
    ];
    for (const body of bodies) {
      for (let round = 0; round < 200; round++) {
        const maxChunk = [1, 3, 40, 63, 64, 65, 200][round % 7]!;
        expect(tailFound(body, CHAT, within, next, maxChunk), `${body.slice(-30)} / ${maxChunk}`).toBe(
          expected(body, CHAT, within),
        );
      }
    }
  });

  it('finds an event split across chunks and across the ring edge', () => {
    const tail = new FinalEventTail(['data: [DONE]'], 16);
    tail.keep(encoder.encode('0123456789abcdata: [D'));
    tail.keep(encoder.encode('ON'));
    tail.keep(encoder.encode('E]\n'));
    expect(tail.found()).toBe(true);
    // A chunk one byte longer than the room left: its last byte wraps to the ring's start.
    for (let before = 1; before < 16; before++) {
      const wrapped = new FinalEventTail(['data: [DONE]'], 16);
      wrapped.keep(encoder.encode('x'.repeat(before)));
      wrapped.keep(encoder.encode('data: [DONE]'));
      expect(wrapped.found(), `${before} bytes before`).toBe(true);
    }
  });

  it('finds nothing once the event lies further back than the bytes it keeps', () => {
    const tail = new FinalEventTail(['data: [DONE]'], 16);
    tail.keep(encoder.encode('data: [DONE]\n\n'));
    expect(tail.found()).toBe(true);
    tail.keep(encoder.encode(': keep-alive\n\n'));
    expect(tail.found()).toBe(false);
  });

  it('keeps at least the longest event, whatever it is asked', () => {
    const tail = new FinalEventTail(['data: [DONE]'], 4);
    tail.keep(encoder.encode('data: [DONE]'));
    expect(tail.found()).toBe(true);
  });
});
