import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPricer, loadPriceOverridesFile, validatePriceOverrides } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'aiotel-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('loadPriceOverridesFile', () => {
  it('loads valid entries', () => {
    const path = file(
      'ok.json',
      JSON.stringify({ 'my-model': { input: 1, output: 2, cachedInput: 0.5, cacheWrite: 1.25 } }),
    );
    expect(loadPriceOverridesFile(path)).toEqual({
      overrides: { 'my-model': { input: 1, output: 2, cachedInput: 0.5, cacheWrite: 1.25 } },
      problems: [],
    });
  });

  it('reports a missing file by name', () => {
    const path = join(dir, 'nope.json');
    expect(loadPriceOverridesFile(path)).toEqual({
      overrides: {},
      problems: [`aiotel cost: prices file ${path}: file not found; using the built-in prices only`],
    });
  });

  it('reports bad JSON by file name', () => {
    const path = file('bad.json', '{ "my-model": { "input": 1, ');
    const { overrides, problems } = loadPriceOverridesFile(path);
    expect(overrides).toEqual({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^aiotel cost: prices file ${path}: not valid JSON \\(.+\\); using the built-in prices only$`,
      ),
    );
  });

  it('reports a file that is not an object of models', () => {
    const path = file('array.json', '[1, 2]');
    expect(loadPriceOverridesFile(path).problems).toEqual([
      `aiotel cost: prices file ${path}: expected an object of model names to prices, e.g. {"my-model": {"input": 2.5, "output": 10, "cachedInput": 1.25}}; ignored`,
    ]);
  });

  it('reports a negative price naming the file, model and field, and keeps the other entries', () => {
    const path = file(
      'negative.json',
      JSON.stringify({ bad: { input: -1, output: 2 }, good: { input: 1, output: 2 } }),
    );
    expect(loadPriceOverridesFile(path)).toEqual({
      overrides: { good: { input: 1, output: 2 } },
      problems: [
        `aiotel cost: prices file ${path}: "bad".input: expected a non-negative number (USD per million tokens), got -1; entry ignored`,
      ],
    });
  });

  it('reports a non-number price', () => {
    const path = file('string.json', JSON.stringify({ bad: { input: '1', output: 2 } }));
    expect(loadPriceOverridesFile(path).problems).toEqual([
      `aiotel cost: prices file ${path}: "bad".input: expected a non-negative number (USD per million tokens), got "1"; entry ignored`,
    ]);
  });

  it('reports an unknown field (e.g. a typo) and lists the allowed ones', () => {
    const path = file('typo.json', JSON.stringify({ bad: { input: 1, output: 2, cached_input: 0.5 } }));
    expect(loadPriceOverridesFile(path).problems).toEqual([
      `aiotel cost: prices file ${path}: "bad".cached_input: unknown field (allowed: input, cachedInput, cacheWrite, output); entry ignored`,
    ]);
  });

  it('reports a missing required price', () => {
    const path = file('missing.json', JSON.stringify({ bad: { input: 1 } }));
    expect(loadPriceOverridesFile(path).problems).toEqual([
      `aiotel cost: prices file ${path}: "bad".output: required (USD per million tokens); entry ignored`,
    ]);
  });

  it('reports an entry that is not an object', () => {
    const path = file('scalar.json', JSON.stringify({ bad: 3 }));
    expect(loadPriceOverridesFile(path).problems).toEqual([
      `aiotel cost: prices file ${path}: "bad": expected prices in USD per million tokens, e.g. {"input": 2.5, "output": 10, "cachedInput": 1.25}; entry ignored`,
    ]);
  });
});

describe('validatePriceOverrides', () => {
  it('treats a model named __proto__ as a plain key (no prototype pollution)', () => {
    const path = file('proto.json', '{"__proto__": {"input": 1, "output": 2}}');
    const { overrides } = loadPriceOverridesFile(path);
    expect(Object.keys(overrides)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).input).toBeUndefined();
    const pricer = createPricer({ pricesFile: path, onWarning: () => {} });
    expect(pricer.price({ inputTokens: 1_000_000, outputTokens: 0 }, '__proto__')?.amountUsd).toBe(1);
  });

  it('reports overrides whose getters throw instead of throwing', () => {
    const hostile = Object.defineProperty({}, 'm', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const { problems } = validatePriceOverrides(hostile, 'overrides option');
    expect(problems).toEqual(['aiotel cost: overrides option: cannot be read (Error: boom); ignored']);
  });
});

describe('prices file in a pricer', () => {
  it('is read from AIOTEL_PRICES_FILE and its problems are reported once, the good entries used', () => {
    const path = file(
      'env.json',
      JSON.stringify({ 'house-model': { input: 4, output: 8 }, broken: { input: -3, output: 1 } }),
    );
    const warnings: string[] = [];
    const saved = process.env.AIOTEL_PRICES_FILE;
    process.env.AIOTEL_PRICES_FILE = path;
    try {
      const pricer = createPricer({ onWarning: (m) => warnings.push(m) });
      expect(pricer.price({ inputTokens: 1_000_000, outputTokens: 500_000 }, 'house-model')?.amountUsd).toBe(
        8,
      );
      expect(pricer.price({ inputTokens: 1, outputTokens: 1 }, 'broken')).toBeUndefined();
      expect(warnings).toEqual([
        `aiotel cost: prices file ${path}: "broken".input: expected a non-negative number (USD per million tokens), got -3; entry ignored`,
      ]);
    } finally {
      if (saved === undefined) delete process.env.AIOTEL_PRICES_FILE;
      else process.env.AIOTEL_PRICES_FILE = saved;
    }
  });

  it('never throws into pricing when the file is missing, and the table still prices', () => {
    const warnings: string[] = [];
    const pricer = createPricer({ pricesFile: join(dir, 'gone.json'), onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(pricer.price({ inputTokens: 1_000_000, outputTokens: 0 }, 'gpt-4o')?.amountUsd).toBe(2.5);
  });

  it('option overrides win over the file for the same model', () => {
    const path = file('both.json', JSON.stringify({ 'house-model': { input: 4, output: 8 } }));
    const pricer = createPricer({ pricesFile: path, overrides: { 'house-model': { input: 1, output: 1 } } });
    expect(pricer.price({ inputTokens: 1_000_000, outputTokens: 0 }, 'house-model')?.amountUsd).toBe(1);
  });
});
