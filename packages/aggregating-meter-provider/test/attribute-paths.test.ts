import { describe, expect, it } from 'vitest';
import { AttributePaths } from '../src/attribute-paths.js';

describe('AttributePaths', () => {
  it('leads equal keys and values in the same order to the same leaf, whatever the object', () => {
    const paths = new AttributePaths<string>(16);
    const leaf = paths.leaf({ method: 'POST', status: 200 });
    expect(leaf).toBeDefined();
    expect(paths.leaf({ method: 'POST', status: 200 })).toBe(leaf);
    expect(paths.leaf({ status: 200, method: 'POST' })).not.toBe(leaf);
  });

  it('tells values of different types apart (200 and "200", true and "true")', () => {
    const paths = new AttributePaths<string>(16);
    expect(paths.leaf({ status: 200 })).not.toBe(paths.leaf({ status: '200' }));
    expect(paths.leaf({ ok: true })).not.toBe(paths.leaf({ ok: 'true' }));
    expect(paths.leaf({ a: 'x', b: 'y' })).not.toBe(paths.leaf({ a: 'xb', y: 'y' }));
  });

  it('follows own keys only, as Object.keys does', () => {
    const paths = new AttributePaths<string>(16);
    const inherited = Object.create({ b: 2 }) as Record<string, number>;
    inherited.a = 1;
    expect(paths.leaf(inherited)).toBe(paths.leaf({ a: 1 }));
    expect(paths.leaf({ a: 1, b: 2 })).not.toBe(paths.leaf({ a: 1 }));
  });

  it('gives no path to an object holding an array', () => {
    const paths = new AttributePaths<string>(16);
    expect(paths.leaf({ stops: ['END'] })).toBeUndefined();
  });

  it('forgets every path once it holds maxPaths leaves, then grows again', () => {
    const paths = new AttributePaths<string>(3);
    const first = paths.leaf({ n: 0 });
    (first as { value: string | undefined }).value = 'series 0';
    for (let n = 1; n < 3; n++) paths.leaf({ n });
    expect(paths.leaf({ n: 0 })).toBe(first);
    paths.leaf({ n: 3 }); // the fourth leaf: all forgotten
    const again = paths.leaf({ n: 0 });
    expect(again).not.toBe(first);
    expect(again?.value).toBeUndefined();
  });
});
