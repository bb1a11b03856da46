import type { ModelPrices, PriceConstraint, PriceDataModel, PriceValue } from './price-data-format.js';
import type { CostBreakdown, TokenUsage } from './types.js';

// The arithmetic of `@pydantic/genai-prices` `calcPrice`, restricted to the usage units a chat or embeddings
// call reports (input, cache read, cache write, output, reasoning, one request), done on prices compiled once
// per model. The operations and their order mirror the library's so that results are equal to the last bit;
// the tests compare both for every model in the table.

// Slots as small integers, input ones first: the hot loop compares numbers.
const INPUT = 0;
const CACHED_INPUT = 1;
const CACHE_WRITE = 2;
const OUTPUT = 3;
const REASONING = 4;
const REQUEST = 5;
type Slot =
  | typeof INPUT
  | typeof CACHED_INPUT
  | typeof CACHE_WRITE
  | typeof OUTPUT
  | typeof REASONING
  | typeof REQUEST;

interface Tier {
  readonly start: number;
  readonly price: number;
}

interface Part {
  readonly slot: Slot;
  /** Flat price per `per` units; unused when `tiers` is set. */
  readonly flat: number;
  /** The base price (as a tier every count passes), then the higher tiers, ascending. */
  readonly tiers: readonly Tier[] | undefined;
  readonly per: number;
}

/** One model's prices, compiled for the hot path. */
export interface Rates {
  /** Parts in the table's key order (the library sums them in that order). */
  readonly parts: readonly Part[];
  readonly pricesCacheRead: boolean;
  readonly pricesCacheWrite: boolean;
  readonly pricesReasoning: boolean;
}

export interface TimedRates {
  readonly rates: Rates;
  /** `start_date` constraint in epoch ms. */
  readonly fromMs?: number;
  /** `time_of_date` constraint, UTC seconds of the day. */
  readonly fromSecond?: number;
  readonly toSecond?: number;
}

/** A model's prices: fixed, or changing by date / time of day (selected per call, like the library does). */
export type ModelRates = Rates | readonly TimedRates[];

const PRICE_KEYS: Readonly<Record<string, { slot: Slot; per: number }>> = {
  input_mtok: { slot: INPUT, per: 1e6 },
  cache_read_mtok: { slot: CACHED_INPUT, per: 1e6 },
  cache_write_mtok: { slot: CACHE_WRITE, per: 1e6 },
  output_mtok: { slot: OUTPUT, per: 1e6 },
  output_reasoning_mtok: { slot: REASONING, per: 1e6 },
  requests_kcount: { slot: REQUEST, per: 1e3 },
};

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A valid tiered price (the library's rule: a valid base, tiers starting at whole token counts). */
function isTiered(value: unknown): value is Exclude<PriceValue, number> {
  if (typeof value !== 'object' || value === null || !('base' in value) || !('tiers' in value)) return false;
  const { base, tiers } = value as { base: unknown; tiers: unknown };
  return (
    isPrice(base) &&
    Array.isArray(tiers) &&
    tiers.every(
      (t: unknown) =>
        typeof t === 'object' &&
        t !== null &&
        Number.isSafeInteger((t as { start: unknown }).start) &&
        (t as { start: number }).start >= 0 &&
        isPrice((t as { price: unknown }).price),
    )
  );
}

/**
 * Compiles one price record. Keys for usage a chat call never reports (audio, images, web searches) are left
 * out: the library prices them at 0 tokens, which adds exactly 0. Throws on a price that is not a finite
 * non-negative number or valid tiers, under any key (the library refuses to price such a record).
 */
export function compileRates(prices: ModelPrices): Rates {
  const parts: Part[] = [];
  for (const [key, value] of Object.entries(prices)) {
    if (value === undefined) continue;
    if (!isPrice(value) && !isTiered(value)) throw new Error(`invalid price for ${key}`);
    const unit = Object.hasOwn(PRICE_KEYS, key) ? PRICE_KEYS[key] : undefined;
    if (unit === undefined) continue;
    if (typeof value === 'number') {
      parts.push({ slot: unit.slot, flat: value, tiers: undefined, per: unit.per });
    } else {
      const tiers = [...value.tiers]
        .sort((a, b) => a.start - b.start)
        .map((t) => ({ start: t.start, price: t.price }));
      parts.push({
        slot: unit.slot,
        flat: 0,
        tiers: [{ start: -1, price: value.base }, ...tiers],
        per: unit.per,
      });
    }
  }
  const has = (slot: Slot) => parts.some((p) => p.slot === slot);
  return {
    parts,
    pricesCacheRead: has(CACHED_INPUT),
    pricesCacheWrite: has(CACHE_WRITE),
    pricesReasoning: has(REASONING),
  };
}

/** Seconds of the UTC day for a `HH:MM:SS[.fff](Z|±HH:MM)` time, as the library reads it. */
function secondOfDay(time: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (!m) throw new Error(`invalid time-of-day constraint ${time}`);
  const [, h, min, s, frac = '', zone, sign, oh = '00', om = '00'] = m;
  if (Number(h) > 23 || Number(min) > 59 || Number(s) > 59 || Number(oh) > 23 || Number(om) > 59) {
    throw new Error(`invalid time-of-day constraint ${time}`);
  }
  const offset = (Number(oh) * 60 + Number(om)) * 60;
  const local = Number(h) * 3600 + Number(min) * 60 + Number(s) + Number(`0.${frac}`);
  const shift = zone === 'Z' ? 0 : sign === '+' ? offset : -offset;
  return (local - shift + 86400) % 86400;
}

/** A `YYYY-MM-DD` date in epoch ms (UTC midnight), or throws. */
function dayStart(date: unknown): number {
  const ms =
    typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  if (!Number.isFinite(ms)) throw new Error(`invalid start_date constraint ${String(date)}`);
  return ms;
}

/** One constraint, with or without its `type` (the remote data format leaves it out). */
function compileConstraint(rates: Rates, c: PriceConstraint): TimedRates {
  const type = c.type ?? (c.start_date !== undefined ? 'start_date' : 'time_of_date');
  if (type === 'start_date') return { rates, fromMs: dayStart(c.start_date) };
  if (type === 'time_of_date' && typeof c.start_time === 'string' && typeof c.end_time === 'string') {
    return { rates, fromSecond: secondOfDay(c.start_time), toSecond: secondOfDay(c.end_time) };
  }
  throw new Error(`unknown price constraint ${JSON.stringify(c)}`);
}

/** Compiles a table model's prices (fixed or conditional). Throws on shapes the library would reject. */
export function compileModelRates(model: PriceDataModel): ModelRates {
  if (!Array.isArray(model.prices)) return compileRates(model.prices as ModelPrices);
  if (model.prices.length === 0) throw new Error('no prices');
  return model.prices.map((entry): TimedRates => {
    const rates = compileRates(entry.prices);
    return entry.constraint === undefined ? { rates } : compileConstraint(rates, entry.constraint);
  });
}

/** Whether a model's prices are the same at any time. */
export function isFixed(model: ModelRates): model is Rates {
  return !Array.isArray(model);
}

/** The prices in force at `atMs`: the last matching constraint wins, else the first entry (library's rule). */
export function ratesAt(list: readonly TimedRates[], atMs: number): Rates {
  for (let i = list.length - 1; i >= 0; i--) {
    const entry = list[i]!;
    if (entry.fromMs !== undefined) {
      if (atMs >= entry.fromMs) return entry.rates;
    } else if (entry.fromSecond !== undefined && entry.toSecond !== undefined) {
      const second = (((atMs % 86_400_000) + 86_400_000) % 86_400_000) / 1000;
      const { fromSecond: from, toSecond: to } = entry;
      if (to < from ? second >= from || second < to : second >= from && second < to) return entry.rates;
    } else {
      return entry.rates;
    }
  }
  return list[0]!.rates;
}

/** Cost of `units` at a tiered price: the tier of the whole prompt size applies to every unit. */
function tieredCost(tiers: readonly Tier[], units: number, promptTokens: number, per: number): number {
  if (units <= 0) return 0;
  let price = 0;
  for (let k = 0; k < tiers.length; k++) if (promptTokens > tiers[k]!.start) price = tiers[k]!.price;
  // Same steps as the library (tiered prices are per million, then rescaled), for bit-equal results.
  return (((price * units) / 1e6) * 1e6) / per;
}

/** A mutable breakdown plus its total, filled by `computeCost`. */
export interface CostParts extends CostBreakdown {
  total: number;
}

/**
 * Cost of `usage` at `rates`, or `undefined` when the usage is inconsistent (negative, not finite, or
 * cached/reasoning parts larger than their totals): a wrong number is worse than none.
 */
export function computeCost(rates: Rates, usage: TokenUsage, markup: number): CostParts | undefined {
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  const read = usage.cacheReadTokens ?? 0;
  const write = usage.cacheWriteTokens ?? 0;
  const reasoning = usage.reasoningTokens ?? 0;
  if (!(valid(input) && valid(output) && valid(read) && valid(write) && valid(reasoning))) return undefined;
  if (read + write > input || reasoning > output) return undefined;

  const cachedPart = (rates.pricesCacheRead ? read : 0) + (rates.pricesCacheWrite ? write : 0);
  const uncachedInput = input - cachedPart;
  const plainOutput = rates.pricesReasoning ? output - reasoning : output;

  // Input parts are summed in the table's key order, as the library does (the order changes the last bit).
  let inputSum = 0;
  let inputCost = 0;
  let cachedCost = 0;
  let writeCost = 0;
  let outputCost = 0;
  let requestCost = 0;
  const { parts } = rates;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    const slot = part.slot;
    const units =
      slot === INPUT
        ? uncachedInput
        : slot === CACHED_INPUT
          ? read
          : slot === CACHE_WRITE
            ? write
            : slot === OUTPUT
              ? plainOutput
              : slot === REASONING
                ? reasoning
                : 1;
    const cost =
      part.tiers === undefined
        ? (part.flat * units) / part.per
        : tieredCost(part.tiers, units, input, part.per);
    if (slot === INPUT) inputCost = cost;
    else if (slot === CACHED_INPUT) cachedCost = cost;
    else if (slot === CACHE_WRITE) writeCost = cost;
    else if (slot === REQUEST) requestCost = cost;
    else outputCost += cost;
    if (slot <= CACHE_WRITE) inputSum += cost;
  }
  const total = inputSum + outputCost + requestCost;
  if (markup === 1) {
    return {
      total,
      input: inputCost,
      cachedInput: cachedCost,
      cacheWrite: writeCost,
      output: outputCost,
      request: requestCost,
    };
  }
  return {
    total: total * markup,
    input: inputCost * markup,
    cachedInput: cachedCost * markup,
    cacheWrite: writeCost * markup,
    output: outputCost * markup,
    request: requestCost * markup,
  };
}

function valid(n: number): boolean {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

/** Rates of a user override (USD per million tokens), shaped like a table entry. */
export function overrideRates(o: {
  input: number;
  output: number;
  cachedInput?: number | undefined;
  cacheWrite?: number | undefined;
}): Rates {
  const prices: Record<string, number> = { input_mtok: o.input, output_mtok: o.output };
  if (o.cachedInput !== undefined) prices.cache_read_mtok = o.cachedInput;
  if (o.cacheWrite !== undefined) prices.cache_write_mtok = o.cacheWrite;
  return compileRates(prices);
}
