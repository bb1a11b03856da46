import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AttemptTimeoutError,
  BudgetExceededError,
  BulkheadRejectedError,
  CircuitOpenError,
  isAttemptTimeoutError,
  isBudgetExceededError,
  isBulkheadRejectedError,
  isCircuitOpenError,
  isResilienceError,
  isRetryAfterTooLongError,
  isStreamInterruptedError,
  isStreamTruncatedError,
  RetryAfterTooLongError,
  StreamInterruptedError,
  StreamTruncatedError,
  unwrapRefusal,
} from '../src/index.js';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

const errors = [
  [new CircuitOpenError('k', 1), isCircuitOpenError],
  [new BulkheadRejectedError(1, 0), isBulkheadRejectedError],
  [new BudgetExceededError(2, 1, 1000), isBudgetExceededError],
  [new RetryAfterTooLongError(5000, 1000, 429, undefined), isRetryAfterTooLongError],
  [new StreamInterruptedError('idle_timeout', 'x'), isStreamInterruptedError],
  [new StreamTruncatedError('data: [DONE]'), isStreamTruncatedError],
  [new AttemptTimeoutError('the attempt', 1), isAttemptTimeoutError],
] as const;

describe('error guards', () => {
  it.each(errors.map(([e, g]) => [e.name, e, g] as const))('%s: its guard only', (_, err, guard) => {
    expect(guard(err)).toBe(true);
    expect(isResilienceError(err)).toBe(true);
    for (const [other, otherGuard] of errors) if (other !== err) expect(otherGuard(err)).toBe(false);
  });

  it('say no to look-alikes: an Error with the same name, plain values', () => {
    const lookAlike = Object.assign(new Error('x'), { name: 'CircuitOpenError' });
    expect(isCircuitOpenError(lookAlike)).toBe(false);
    expect(isResilienceError(lookAlike)).toBe(false);
    for (const value of [undefined, null, 'CircuitOpenError', 42])
      expect(isResilienceError(value)).toBe(false);
  });

  it('keep the marker out of JSON and enumeration', () => {
    const err = new CircuitOpenError('k', 1);
    expect(Object.keys(err)).not.toContain(Symbol.for('aiotel.resilience.error'));
    expect(Object.getOwnPropertySymbols(err)).toHaveLength(0);
  });

  it('hold across the ESM and CJS builds loaded in one process', async () => {
    for (const file of ['index.mjs', 'index.cjs']) {
      if (!existsSync(dist + file))
        throw new Error(`packages/resilience/dist/${file} is missing: run \`pnpm build\` first`);
    }
    // The ESM copy's errors checked with the CJS copy's guards and the other way round; instanceof fails across.
    const script = `
      import { createRequire } from 'node:module';
      const esm = await import(${JSON.stringify(`${dist}index.mjs`)});
      const cjs = createRequire(import.meta.url)(${JSON.stringify(`${dist}index.cjs`)});
      if (esm.CircuitOpenError === cjs.CircuitOpenError) throw new Error('one copy only: the test proves nothing');
      const out = {};
      for (const [from, to, label] of [[esm, cjs, 'esm->cjs'], [cjs, esm, 'cjs->esm']]) {
        const open = new from.CircuitOpenError('k', 1);
        const budget = new from.BudgetExceededError(2, 1, 1000);
        const wrapped = Object.assign(new Error('Connection error.'), { cause: budget });
        out[label] = {
          instanceOf: open instanceof to.CircuitOpenError,
          isCircuitOpenError: to.isCircuitOpenError(open),
          isBudgetExceededError: to.isBudgetExceededError(budget),
          crossed: to.isCircuitOpenError(budget),
          isResilienceError: to.isResilienceError(open),
          unwrapped: to.unwrapRefusal(wrapped) === budget,
        };
      }
      console.log(JSON.stringify(out));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const expected = {
      instanceOf: false,
      isCircuitOpenError: true,
      isBudgetExceededError: true,
      crossed: false,
      isResilienceError: true,
      unwrapped: true,
    };
    expect(JSON.parse(stdout)).toEqual({ 'esm->cjs': expected, 'cjs->esm': expected });
  });

  it('unwrapRefusal finds a refusal from another copy (here: a marked look-alike)', () => {
    const foreign = Object.assign(new Error('other copy'), {
      [Symbol.for('aiotel.resilience.error')]: 'BulkheadRejectedError',
    });
    const wrapped = Object.assign(new Error('Connection error.'), { cause: foreign });
    expect(unwrapRefusal(wrapped)).toBe(foreign);
  });
});
