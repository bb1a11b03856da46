import { randomFillSync } from 'node:crypto';
import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from '../src/id-generator.js';

/** More ids than one 4 KiB draw holds, so several refills are crossed. */
const COUNT = 20_000;

describe('PooledIdGenerator', () => {
  it('gives valid W3C trace ids (32 lowercase hex, not all zeros), all different', () => {
    const generator = new PooledIdGenerator();
    const ids = Array.from({ length: COUNT }, () => generator.generateTraceId());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(isValidTraceId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(COUNT);
  });

  it('gives valid W3C span ids (16 lowercase hex, not all zeros), all different, mixed with trace ids', () => {
    const generator = new PooledIdGenerator();
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      ids.push(generator.generateSpanId());
      // A root span takes a span id then a trace id: the pool is cut at both lengths.
      if (i % 3 === 0) expect(isValidTraceId(generator.generateTraceId())).toBe(true);
    }
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      expect(isValidSpanId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(COUNT);
  });

  it('two generators (two processes) do not repeat each other', () => {
    const a = new PooledIdGenerator();
    const b = new PooledIdGenerator();
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add(a.generateSpanId()).add(b.generateSpanId());
    expect(ids.size).toBe(2000);
  });

  it('draws again rather than give an id of only zeros', () => {
    let draws = 0;
    // The first draw is all zeros, the next ones random.
    const generator = new PooledIdGenerator((bytes) => {
      draws++;
      if (draws === 1) bytes.fill(0);
      else randomFillSync(bytes);
    });
    expect(generator.generateTraceId()).not.toBe('0'.repeat(32));
    expect(isValidTraceId(generator.generateTraceId())).toBe(true);
    expect(isValidSpanId(generator.generateSpanId())).toBe(true);
    expect(draws).toBe(2);
  });

  it('an all-zero stretch inside random bytes is skipped, the ids around it kept', () => {
    const generator = new PooledIdGenerator((bytes) => {
      randomFillSync(bytes);
      // The second span id's 8 bytes are zeros.
      bytes.fill(0, 8, 16);
    });
    const ids = [generator.generateSpanId(), generator.generateSpanId(), generator.generateSpanId()];
    expect(ids.every(isValidSpanId)).toBe(true);
    expect(ids).not.toContain('0'.repeat(16));
  });
});
