import { BUNDLED_MODELS_DEFLATED, BUNDLED_PROVIDERS_JSON } from './price-data.generated.js';
import { compactPriceData, type PriceDataModel, type PriceDataProvider } from './price-data-format.js';

// The price table pricers look models up in: the one bundled with this package (generated from
// `@pydantic/genai-prices`), or newer data the app loaded with `setPriceData`. The library's own module keeps ~4 MB
// alive in every process that imports it (its source and every record), which each full garbage collection of
// the app marks again. The bundled table is stored small instead: the providers' match rules as JSON, parsed on
// the first lookup, and each provider's models deflated, inflated and parsed on the first lookup that reaches
// that provider (an app that prices OpenAI and Anthropic models never builds OpenRouter's 700).

/** What `setPriceData` returns. */
export type PriceDataResult =
  | { readonly ok: true; readonly providers: number; readonly models: number }
  | { readonly ok: false; readonly problem: string };

interface SharedPriceData {
  /** Data loaded by the app; `undefined` means the bundled table. */
  data: readonly PriceDataProvider[] | undefined;
  /** Bumped on every change, so pricers drop lookups made on older data. */
  generation: number;
}

/**
 * Where the loaded data lives: a registered symbol on `globalThis`, so every copy of this package in the process
 * (ESM and CJS builds, two versions) prices with the data the app loaded into any of them.
 */
const SHARED = Symbol.for('aiotel.cost.priceData');

type WithShared = typeof globalThis & { [SHARED]?: SharedPriceData };

// Found (or made) once, at import: every priced call reads the generation through this binding, not through a
// symbol-keyed property of the global object.
const holder = globalThis as WithShared;
holder[SHARED] ??= { data: undefined, generation: 0 };
const shared: SharedPriceData = holder[SHARED];

let bundled: readonly PriceDataProvider[] | undefined;
let bundledModels = 0;

/** A bundled provider as stored: `models` is their number. */
type ProviderHead = Omit<PriceDataProvider, 'models'> & { readonly models: number };

/** A bundled provider whose models are decoded on first use. */
function lazyProvider({ models: _count, ...head }: ProviderHead, deflated: string): PriceDataProvider {
  let models: readonly PriceDataModel[] | undefined;
  return {
    ...head,
    get models() {
      if (models === undefined) {
        // zlib is loaded here, not imported: an app that prices nothing does not pay for it.
        const { inflateRawSync } = process.getBuiltinModule('node:zlib');
        models = JSON.parse(
          inflateRawSync(Buffer.from(deflated, 'base64')).toString('utf8'),
        ) as PriceDataModel[];
      }
      return models;
    },
  };
}

/** The bundled table (its providers decoded once, on first use; their models as they are reached). */
export function bundledPriceData(): readonly PriceDataProvider[] {
  if (bundled === undefined) {
    const heads = JSON.parse(BUNDLED_PROVIDERS_JSON) as ProviderHead[];
    bundledModels = heads.reduce((n, head) => n + head.models, 0);
    bundled = heads.map((head, i) => lazyProvider(head, BUNDLED_MODELS_DEFLATED[i]!));
  }
  return bundled;
}

/** The table in force: the app's data, else the bundled one. */
export function activePriceData(): readonly PriceDataProvider[] {
  return shared.data ?? bundledPriceData();
}

/** Changes whenever `setPriceData` changes the table in force. Cheap: read on every priced call. */
export function priceDataGeneration(): number {
  return shared.generation;
}

/**
 * Replaces the price table of every pricer in the process with `providers`, in the format of `@pydantic/genai-prices`
 * (the array at its `REMOTE_DATA_JSON_URL`, or what its `updatePrices` hands to `setProviderData`); `null` or
 * `undefined` goes back to the bundled table. Lookups cached by pricers are dropped. Never throws: data of another
 * shape is refused with the reason, and the table in force stays.
 */
export function setPriceData(providers: unknown): PriceDataResult {
  if (providers === null || providers === undefined) {
    shared.data = undefined;
    shared.generation++;
    return { ok: true, providers: bundledPriceData().length, models: bundledModels };
  }
  let compact: ReturnType<typeof compactPriceData>;
  try {
    compact = compactPriceData(providers);
  } catch (error) {
    // A getter that throws, a proxy: refused like any other bad shape.
    compact = { problem: error instanceof Error ? error.message : String(error) };
  }
  if (compact.problem !== undefined) {
    return {
      ok: false,
      problem: `aiotel cost: setPriceData: ${compact.problem}; the table in force is kept`,
    };
  }
  shared.data = compact.providers;
  shared.generation++;
  return { ok: true, providers: compact.providers.length, models: countModels(compact.providers) };
}

function countModels(data: readonly PriceDataProvider[]): number {
  let n = 0;
  for (const p of data) n += p.models.length;
  return n;
}
