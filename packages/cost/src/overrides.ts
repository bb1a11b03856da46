import { readFileSync } from 'node:fs';
import type { PriceOverride } from './types.js';

/** Overrides that passed validation, and one message per problem (each bad entry is left out, others kept). */
export interface LoadedOverrides {
  readonly overrides: Record<string, PriceOverride>;
  readonly problems: readonly string[];
}

const FIELDS = ['input', 'cachedInput', 'cacheWrite', 'output'] as const;
const REQUIRED = ['input', 'output'] as const;
const EXAMPLE = '{"input": 2.5, "output": 10, "cachedInput": 1.25}';

/**
 * Validates price overrides (USD per million tokens) from any source; never throws. `origin` names the source
 * in messages (e.g. `prices file /etc/prices.json`).
 */
export function validatePriceOverrides(value: unknown, origin: string): LoadedOverrides {
  // Null prototype: a model named `__proto__` or `constructor` is just a key.
  const overrides: Record<string, PriceOverride> = Object.create(null);
  const problems: string[] = [];
  try {
    collect(value, origin, overrides, problems);
  } catch (error) {
    problems.push(`aiotel cost: ${origin}: cannot be read (${String(error)}); ignored`);
  }
  return { overrides, problems };
}

function collect(
  value: unknown,
  origin: string,
  overrides: Record<string, PriceOverride>,
  problems: string[],
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      `aiotel cost: ${origin}: expected an object of model names to prices, e.g. {"my-model": ${EXAMPLE}}; ignored`,
    );
    return;
  }
  for (const [model, entry] of Object.entries(value as Record<string, unknown>)) {
    const problem = entryProblem(model, entry);
    if (problem === undefined) {
      overrides[model] = Object.freeze({ ...(entry as PriceOverride) });
    } else {
      problems.push(`aiotel cost: ${origin}: ${problem}; entry ignored`);
    }
  }
}

function entryProblem(model: string, entry: unknown): string | undefined {
  if (model.trim() === '') return `"${model}": empty model name`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return `"${model}": expected prices in USD per million tokens, e.g. ${EXAMPLE}`;
  }
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      return `"${model}".${key}: unknown field (allowed: ${FIELDS.join(', ')})`;
    }
  }
  for (const key of REQUIRED) {
    if (record[key] === undefined) return `"${model}".${key}: required (USD per million tokens)`;
  }
  for (const key of FIELDS) {
    const price = record[key];
    if (price === undefined) continue;
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
      return `"${model}".${key}: expected a non-negative number (USD per million tokens), got ${shown(price)}`;
    }
  }
  return undefined;
}

/**
 * Reads and validates a JSON prices file: `{ "<model or prefix>": { "input": n, "output": n, "cachedInput"?: n,
 * "cacheWrite"?: n } }`, USD per million tokens. Never throws: a missing or unreadable file, bad JSON or bad
 * entries come back as `problems`, each naming the file (and the entry and field).
 */
export function loadPriceOverridesFile(path: string): LoadedOverrides {
  const origin = `prices file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})`;
    return {
      overrides: Object.create(null),
      problems: [`aiotel cost: ${origin}: ${why}; using the built-in prices only`],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      overrides: Object.create(null),
      problems: [`aiotel cost: ${origin}: not valid JSON (${why}); using the built-in prices only`],
    };
  }
  return validatePriceOverrides(parsed, origin);
}

/** A value as the user wrote it: numbers as numbers (`NaN`, `Infinity`), others as JSON. */
export function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
