/**
 * What pricing one call costs (`@aiotel/cost`), after the first call of each model: µs per `pricer.price()` on
 * the shapes the instrumentation and the budget price (provider given or inferred from a relay's base URL, cached
 * and reasoning tokens, a prompt-size tier, time-of-day prices, an override with a markup, an unknown model, the
 * default pricer). Each call gets its own copy of the model name, as a parsed response body does. In-process,
 * scenarios interleaved over rounds, median printed.
 *   node src/pricing-cost.ts [--rounds N] [--calls N] [--base DIR]
 * `--base DIR` also runs every scenario on DIR's build of `@aiotel/cost` (DIR/packages/cost/dist/index.mjs, e.g. a
 * built checkout of `main`), interleaved with this checkout's: an A/B of two commits.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './stats.ts';

// What this bench uses of @aiotel/cost, typed here: it is loaded by path (this checkout's or a base's build), since
// the bench package does not depend on it.
interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens?: number | undefined;
  readonly cacheWriteTokens?: number | undefined;
  readonly reasoningTokens?: number | undefined;
}
interface CallOptions {
  readonly provider?: string;
  readonly baseUrl?: string;
}
type Price = (usage: Usage | undefined, model: string, options?: CallOptions) => object | undefined;
interface Pricer {
  readonly price: Price;
  clearCache(): void;
}
interface CostModule {
  createPricer(options: object): Pricer;
  usageFromOpenAI(usage: unknown): Usage | undefined;
  readonly priceCall: Price;
}

interface Scenario {
  readonly name: string;
  readonly model: string;
  /** Raw usages priced in turn (e.g. below and above a tier's threshold). */
  readonly usages: readonly object[];
  readonly options: CallOptions;
  /** Which pricer: the plain one, the one with overrides and a markup, or the default (`priceCall`). */
  readonly pricer: 'plain' | 'configured' | 'default';
  /** Whether the scenario must price (a bench of a path that silently returns undefined measures nothing). */
  readonly priced: boolean;
  /** Forget the lookups before each call: the cost of a first call (table matching, prices compiled). */
  readonly uncached?: true;
}

/** A Chat Completions `usage` as an API or relay returns it; each side reads it with its own `usageFromOpenAI`. */
function usage(prompt: number, completion: number, cached = 0, cacheWrite?: number, reasoning = 0): object {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
    ...(cacheWrite === undefined ? {} : { cache_creation_input_tokens: cacheWrite }),
  };
}

const chat = usage(20, 6);
const relay = 'https://llm-relay.example.com/v1';

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'openai gpt-4o-mini (dated), provider given',
    model: 'gpt-4o-mini-2024-07-18',
    usages: [chat, usage(3000, 400, 1024)],
    options: { provider: 'openai' },
    pricer: 'plain',
    priced: true,
  },
  {
    name: 'openai o3-mini, reasoning tokens',
    model: 'o3-mini',
    usages: [usage(1200, 900, 0, undefined, 640)],
    options: { provider: 'openai' },
    pricer: 'plain',
    priced: true,
  },
  {
    name: 'claude-sonnet-4-5 via a relay, cache, both tiers',
    model: 'claude-sonnet-4-5',
    usages: [usage(12_000, 800, 4000, 2000), usage(250_000, 800, 4000, 2000)],
    options: { baseUrl: relay },
    pricer: 'plain',
    priced: true,
  },
  {
    name: 'deepseek-chat, time-of-day prices',
    model: 'deepseek-chat',
    usages: [usage(5000, 300, 1000)],
    options: { provider: 'deepseek' },
    pricer: 'plain',
    priced: true,
  },
  {
    name: 'override (prefix) with markup 1.1',
    model: 'my-model-v2',
    usages: [usage(5000, 300, 1000)],
    options: { baseUrl: relay },
    pricer: 'configured',
    priced: true,
  },
  {
    name: 'unknown model (no price)',
    model: 'no-such-model-7b',
    usages: [chat],
    options: { baseUrl: relay },
    pricer: 'plain',
    priced: false,
  },
  {
    name: 'first call of a model (cache cleared every call)',
    model: 'gpt-4o-mini-2024-07-18',
    usages: [chat],
    options: { provider: 'openai' },
    pricer: 'plain',
    priced: true,
    uncached: true,
  },
  {
    name: 'priceCall (default pricer, the budget)',
    model: 'gpt-4o-2024-08-06',
    usages: [chat],
    options: { baseUrl: 'https://api.openai.com/v1' },
    pricer: 'default',
    priced: true,
  },
];

interface Side {
  readonly name: string;
  readonly cost: CostModule;
  readonly plain: Pricer;
  readonly configured: Pricer;
}

async function side(name: string, specifier: string): Promise<Side> {
  const cost = (await import(specifier)) as CostModule;
  return {
    name,
    cost,
    plain: cost.createPricer({ pricesFile: false, markup: 1 }),
    configured: cost.createPricer({
      pricesFile: false,
      markup: 1.1,
      overrides: { 'my-model': { input: 0.5, output: 1.5, cachedInput: 0.05 } },
    }),
  };
}

/** One timed pass: µs per priced call. Model names are fresh strings made before the clock starts. */
function pass(s: Side, scenario: Scenario, all: number): number {
  // A first call costs about a hundred times a cached one.
  const calls = scenario.uncached ? Math.ceil(all / 100) : all;
  const quoted = JSON.stringify(scenario.model);
  const models = Array.from({ length: calls }, () => JSON.parse(quoted) as string);
  const usages = scenario.usages.map((raw) => s.cost.usageFromOpenAI(raw));
  const { options } = scenario;
  const price =
    scenario.pricer === 'default'
      ? s.cost.priceCall
      : scenario.pricer === 'configured'
        ? s.configured.price
        : s.plain.price;
  let priced = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    if (scenario.uncached) s.plain.clearCache();
    if (price(usages[i % usages.length], models[i]!, options) !== undefined) priced++;
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (priced !== (scenario.priced ? calls : 0)) {
    throw new Error(`${s.name}: ${scenario.name}: ${priced} of ${calls} calls priced`);
  }
  return ns / calls / 1000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '7' },
      calls: { type: 'string', default: '100000' },
      base: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  const calls = Number(values.calls);
  // The bench package does not depend on @aiotel/cost: it is found through the instrumentation that uses it, and
  // its ESM build is loaded, as the instrumentation's ESM build loads it.
  const instrumentation = createRequire(import.meta.url).resolve('@aiotel/instrumentation-openai');
  const manifest = createRequire(instrumentation).resolve('@aiotel/cost/package.json');
  const here = join(dirname(manifest), 'dist', 'index.mjs');
  const sides = [await side('this checkout', pathToFileURL(here).href)];
  if (values.base !== undefined) {
    const base = join(values.base, 'packages', 'cost', 'dist', 'index.mjs');
    sides.push(await side(`base ${values.base}`, pathToFileURL(base).href));
  }
  // Warm up: first lookups and JIT, outside the measured passes.
  for (const s of sides) for (const scenario of SCENARIOS) pass(s, scenario, Math.min(calls, 20_000));

  const results = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const scenario of SCENARIOS) {
      for (const s of order) {
        const key = `${scenario.name}\u0000${s.name}`;
        results.set(key, [...(results.get(key) ?? []), pass(s, scenario, calls)]);
      }
    }
  }
  console.log(
    `node ${process.version}; µs per priced call, median of ${rounds} rounds × ${calls} calls (first lookups excluded but in their own line)`,
  );
  console.log(`${'scenario'.padEnd(52)}${sides.map((s) => s.name.padStart(22)).join('')}`);
  for (const scenario of SCENARIOS) {
    const cells = sides.map((s) =>
      median(results.get(`${scenario.name}\u0000${s.name}`) ?? [])
        .toFixed(3)
        .padStart(22),
    );
    console.log(`${scenario.name.padEnd(52)}${cells.join('')}`);
  }
}

await main();
