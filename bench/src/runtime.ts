import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SetupContext, Telemetry } from './protocol.ts';
import type { Variant } from './variants.ts';
import type { BenchClient } from './workloads.ts';

/** The bench/ folder: variant paths are relative to it. */
export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const NO_TELEMETRY: Telemetry = { flush: async () => {}, shutdown: async () => {} };

/** Runs the variant's setup module (before `openai` is loaded, so instrumentations can patch it). */
export async function startVariantTelemetry(variant: Variant, sinkUrl: string): Promise<Telemetry> {
  if (!variant.setup) return NO_TELEMETRY;
  const mod = (await import(pathToFileURL(resolve(BENCH_DIR, variant.setup)).href)) as {
    setup?: (ctx: SetupContext) => Promise<Telemetry>;
    default?: { setup?: (ctx: SetupContext) => Promise<Telemetry> };
  };
  const setup = mod.setup ?? mod.default?.setup;
  if (!setup) throw new Error(`${variant.setup} exports no setup()`);
  return setup({ sinkUrl, serviceName: `aiotel-bench-${variant.id}` });
}

type ClientConstructor = new (options: Record<string, unknown>) => BenchClient;

function loadSdk(variant: Variant): ClientConstructor {
  // CommonJS require for every variant: the instrumentations patch it without a loader hook, and the
  // SDK's ESM and CJS builds then play no part in the ratios.
  const requireFrom = createRequire(resolve(BENCH_DIR, variant.sdkFrom, 'package.json'));
  const name = variant.sdk === 'anthropic' ? '@anthropic-ai/sdk' : 'openai';
  const mod = requireFrom(name) as {
    OpenAI?: ClientConstructor;
    Anthropic?: ClientConstructor;
    default?: ClientConstructor;
  };
  const Client = mod.OpenAI ?? mod.Anthropic ?? mod.default;
  if (!Client) throw new Error(`${name} from ${variant.sdkFrom} exports no client class`);
  return Client;
}

/**
 * The client the workloads call: a plain `new OpenAI()` (or `new Anthropic()`) against the fake server, wrapped with
 * `resilient()` (bulkhead of `concurrency`, queue of `queue`) for the resilient variants.
 */
export async function makeClient(
  variant: Variant,
  fakeUrl: string,
  bulkhead: { limit: number; queue: number },
): Promise<BenchClient> {
  const Client = loadSdk(variant);
  const client =
    variant.sdk === 'anthropic'
      ? // The SDK's own spans are off, as @aiotel/node sets them: each variant pays for its instrumentation only.
        new Client({ baseURL: fakeUrl.replace(/\/v1$/, ''), apiKey: 'bench-key', openTelemetry: false })
      : new Client({ baseURL: fakeUrl, apiKey: 'bench-key' });
  if (!variant.resilient) return client;
  const { resilient } = (await import('@aiotel/resilience')) as unknown as {
    resilient: (client: BenchClient, options: unknown) => BenchClient;
  };
  return resilient(client, { bulkhead });
}

/** A full garbage collection (the process must run with --expose-gc); returns the heap used after it. */
export function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  // Twice: the first pass may leave objects that only a finalizer released.
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
