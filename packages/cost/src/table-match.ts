import type { MatchRule, PriceDataModel, PriceDataProvider } from './price-data-format.js';

// How `@pydantic/genai-prices` (0.1.8, `calcPrice`) finds a model's prices in its table, on our copy of the data:
// the provider by id or name rule (else, without a provider, by the model's name rule), then the provider's first
// model whose rule matches, then the same with a `-YYYYMMDD` date written `-YYYY-MM-DD`, each time trying the
// provider's fallback providers too. The tests check that both find the same entry for every model of the table.

/** A table entry: the provider asked for (or matched), and the model entry whose prices apply. */
export interface TableMatch {
  readonly provider: PriceDataProvider;
  readonly model: PriceDataModel;
}

/** Compiled `regex` rules, per rule object (the data's rules live as long as the data). */
const compiled = new WeakMap<object, RegExp>();

/** Whether `name` (lower-cased and trimmed by the caller, as the library does) satisfies the rule. */
export function matchesRule(rule: MatchRule, name: string): boolean {
  if ('or' in rule) return rule.or.some((r) => matchesRule(r, name));
  if ('and' in rule) return rule.and.every((r) => matchesRule(r, name));
  if ('equals' in rule) return name === rule.equals.toLowerCase();
  if ('starts_with' in rule) return name.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return name.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return name.includes(rule.contains.toLowerCase());
  if ('regex' in rule) {
    let re = compiled.get(rule);
    if (re === undefined) {
      re = new RegExp(rule.regex);
      compiled.set(rule, re);
    }
    return re.test(name);
  }
  return false;
}

function providerById(data: readonly PriceDataProvider[], providerId: string): PriceDataProvider | undefined {
  const id = providerId.toLowerCase().trim();
  return (
    data.find((p) => p.id === id) ??
    data.find((p) => p.provider_match !== undefined && matchesRule(p.provider_match, id))
  );
}

function modelIn(
  provider: PriceDataProvider,
  name: string,
  data: readonly PriceDataProvider[] | undefined,
): PriceDataModel | undefined {
  const found = provider.models.find((m) => matchesRule(m.match, name));
  if (found !== undefined || data === undefined) return found;
  for (const id of provider.fallback_model_providers ?? []) {
    const fallback = data.find((p) => p.id === id);
    // One level only: a fallback provider's own fallbacks are not followed (the library's rule).
    const model = fallback === undefined ? undefined : modelIn(fallback, name, undefined);
    if (model !== undefined) return model;
  }
  return undefined;
}

const COMPACT_DATE = /(-)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

/** `claude-3-5-sonnet-20241022` is also looked up as `claude-3-5-sonnet-2024-10-22` (real calendar dates only). */
function withDashedDates(name: string): string {
  return name.replace(COMPACT_DATE, (whole, dash: string, y: string, m: string, d: string) => {
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    const real =
      date.getUTCFullYear() === Number(y) &&
      date.getUTCMonth() === Number(m) - 1 &&
      date.getUTCDate() === Number(d);
    return real ? `${dash}${y}-${m}-${d}` : whole;
  });
}

/**
 * The table entry for a model name and an optional provider id (or name matched by the provider's rule), or
 * `undefined`. A provider id the table does not know gives `undefined`, except `litellm`: its `vendor/model` names
 * are looked up with the vendor as provider, else by the model's name. Throws only on a bad `regex` in the data.
 */
export function findTableEntry(
  data: readonly PriceDataProvider[],
  modelId: string,
  providerId?: string,
): TableMatch | undefined {
  let name = modelId.toLowerCase().trim();
  let providerHint = providerId;
  if (providerHint !== undefined && providerHint.toLowerCase() === 'litellm' && name.includes('/')) {
    const slash = name.indexOf('/');
    const vendor = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (vendor !== '' && rest !== '' && providerById(data, vendor) !== undefined) {
      providerHint = vendor;
      name = rest;
    }
  }
  let provider: PriceDataProvider | undefined;
  if (providerHint) {
    provider = providerById(data, providerHint);
    if (provider === undefined && providerHint.toLowerCase() !== 'litellm') return undefined;
  }
  provider ??= data.find((p) => p.model_match !== undefined && matchesRule(p.model_match, name));
  if (provider === undefined) return undefined;
  let model = modelIn(provider, name, data);
  if (model === undefined) {
    const dashed = withDashedDates(name);
    if (dashed !== name) model = modelIn(provider, dashed, data);
  }
  return model === undefined ? undefined : { provider, model };
}
