import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../src/bounded-cache.js';

describe('BoundedCache', () => {
  it('drops the oldest insertion when full; replacing a value is not an insertion', () => {
    const cache = new BoundedCache<string, string, number>(2);
    cache.set('p', 'a', 1);
    cache.set('q', 'b', 2);
    cache.set('p', 'a', 10);
    cache.set('p', 'c', 3);
    expect([cache.get('p', 'a'), cache.get('q', 'b'), cache.get('p', 'c'), cache.size]).toEqual([
      undefined,
      2,
      3,
      2,
    ]);
    cache.set('r', 'd', 4);
    expect([cache.get('q', 'b'), cache.get('p', 'c'), cache.get('r', 'd'), cache.size]).toEqual([
      undefined,
      3,
      4,
      2,
    ]);
  });

  it('tells the pairs apart by both keys', () => {
    const cache = new BoundedCache<string, string, string>(10);
    cache.set('openai', 'gpt-4o', 'o');
    cache.set('azure', 'gpt-4o', 'a');
    cache.set('', 'gpt-4o', 'none');
    expect([cache.get('openai', 'gpt-4o'), cache.get('azure', 'gpt-4o'), cache.get('', 'gpt-4o')]).toEqual([
      'o',
      'a',
      'none',
    ]);
    expect([cache.get('openai', 'gpt-4o-mini'), cache.get('groq', 'gpt-4o')]).toEqual([undefined, undefined]);
  });

  it('keeps an entry whose insertion evicted the last other entry of the same first key', () => {
    const cache = new BoundedCache<string, string, number>(1);
    cache.set('p', 'a', 1);
    cache.set('p', 'b', 2);
    expect([cache.get('p', 'a'), cache.get('p', 'b'), cache.size]).toEqual([undefined, 2, 1]);
  });

  it('holds at most its capacity over many insertions, and clear empties it', () => {
    const cache = new BoundedCache<string, string, number>(3);
    for (let i = 0; i < 100; i++) cache.set(`p${i % 7}`, `m${i}`, i);
    expect(cache.size).toBe(3);
    expect([
      cache.get('p1', 'm99'),
      cache.get('p0', 'm98'),
      cache.get('p6', 'm97'),
      cache.get('p5', 'm96'),
    ]).toEqual([99, 98, 97, undefined]);
    cache.clear();
    expect([cache.size, cache.get('p1', 'm99')]).toEqual([0, undefined]);
    cache.set('p1', 'm1', 1);
    expect([cache.size, cache.get('p1', 'm1')]).toEqual([1, 1]);
  });
});
