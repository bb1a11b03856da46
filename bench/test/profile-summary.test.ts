import { describe, expect, it } from 'vitest';
import { functionKey } from '../src/profile-summary.ts';

describe('profile-summary function keys', () => {
  const esm = {
    functionName: 'serializeRequest',
    url: 'file:///w/node_modules/.pnpm/x/node_modules/@opentelemetry/otlp-transformer/dist/trace/json/trace.mjs',
    lineNumber: 5,
  };
  const cjs = {
    functionName: 'serializeRequest',
    url: 'file:///w/bench/peers/otel-contrib/node_modules/@opentelemetry/otlp-transformer/dist/trace/json/trace.cjs',
    lineNumber: 7,
  };

  it('keys a function by file and line by default', () => {
    expect(functionKey(esm, false)).toBe(
      'serializeRequest  @opentelemetry/otlp-transformer/dist/trace/json/trace.mjs:6',
    );
    expect(functionKey(cjs, false)).not.toBe(functionKey(esm, false));
  });

  it('with --by-name, matches the same function of another build or version of its package', () => {
    expect(functionKey(esm, true)).toBe('serializeRequest  @opentelemetry/otlp-transformer');
    expect(functionKey(cjs, true)).toBe(functionKey(esm, true));
    expect(functionKey({ functionName: '', url: '', lineNumber: 0 }, true)).toBe('(anonymous)');
  });
});
