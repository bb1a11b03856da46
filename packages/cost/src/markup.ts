import { shown } from './overrides.js';

/** A markup and, when the configured one was rejected, why. */
export interface MarkupSetting {
  readonly markup: number;
  readonly problem?: string;
}

/**
 * The cost multiplier: the `markup` option, else `AIOTEL_PRICE_MARKUP`, else 1. A value that is not a finite
 * number > 0 is rejected with a message and 1 is used (a discount below 1 is allowed).
 */
export function resolveMarkup(option: unknown, env: string | undefined): MarkupSetting {
  if (option !== undefined) {
    if (typeof option === 'number' && Number.isFinite(option) && option > 0) return { markup: option };
    return {
      markup: 1,
      problem: `aiotel cost: markup option: expected a number > 0 (e.g. 1.1 for +10 %), got ${shown(option)}; using 1`,
    };
  }
  if (env === undefined || env.trim() === '') return { markup: 1 };
  const value = Number(env);
  if (Number.isFinite(value) && value > 0) return { markup: value };
  return {
    markup: 1,
    problem: `aiotel cost: AIOTEL_PRICE_MARKUP: expected a number > 0 (e.g. 1.1 for +10 %), got "${env}"; using 1`,
  };
}
