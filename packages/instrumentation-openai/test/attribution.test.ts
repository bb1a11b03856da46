import { context, DiagLogLevel, diag } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBusinessAttributes, metricBusinessAttributes, withAttributes } from '../src/attribution.js';

const warnings: string[] = [];
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  diag.setLogger(
    {
      error: () => {},
      warn: (m: string) => warnings.push(m),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
});
afterAll(() => {
  context.disable();
  diag.disable();
});

describe('withAttributes', () => {
  it('returns what fn returns and keeps the attributes across awaits', async () => {
    const seen = await withAttributes({ 'app.feature': 'search' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentBusinessAttributes();
    });
    expect(seen).toEqual({ 'app.feature': 'search' });
    expect(currentBusinessAttributes()).toBeUndefined();
  });

  it('adds nested attributes to the outer ones, inner values winning', () => {
    const seen = withAttributes({ 'app.feature': 'a', 'app.tenant': 't' }, () =>
      withAttributes({ 'app.feature': 'b' }, () => currentBusinessAttributes()),
    );
    expect(seen).toEqual({ 'app.feature': 'b', 'app.tenant': 't' });
  });

  it('drops values that are not string, number or boolean, with a warning', () => {
    const seen = withAttributes({ ok: 1, bad: { nested: true } as never, nan: Number.NaN }, () =>
      currentBusinessAttributes(),
    );
    expect(seen).toEqual({ ok: 1 });
    expect(warnings.filter((w) => w.includes('withAttributes ignores'))).toHaveLength(2);
  });
});

describe('metricBusinessAttributes', () => {
  it('keeps only allowed keys and cuts long strings to 64 characters', () => {
    const picked = metricBusinessAttributes(
      { 'app.feature': 'f'.repeat(80), 'app.user': 'u-1', 'app.tier': 2 },
      new Set(['app.feature', 'app.tier', 'app.missing']),
    );
    expect(picked).toEqual({ 'app.feature': 'f'.repeat(64), 'app.tier': 2 });
  });

  it('gives nothing when no key is allowed', () => {
    expect(metricBusinessAttributes({ 'app.feature': 'x' }, new Set())).toBeUndefined();
  });
});
