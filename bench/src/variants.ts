/** What a variant's process loads, and what it is compared with. */
export interface Variant {
  /** Short id used in results and on the command line (`--variants raw7,full7`). */
  readonly id: string;
  /** The name printed in the table. */
  readonly label: string;
  /** One line on what the process runs. */
  readonly description: string;
  /**
   * Who wrote the telemetry: nobody (a floor, or the control: the floor again in its own process, whose ratio to
   * the floor is the run's noise), us, or a peer.
   */
  readonly kind: 'floor' | 'control' | 'aiotel' | 'peer';
  /** The AI SDK the workloads call: `openai` (Chat Completions) or `@anthropic-ai/sdk` (Messages). */
  readonly sdk: 'openai' | 'anthropic';
  /** The SDK release the variant runs on. */
  readonly sdkMajor: number;
  /**
   * Folder (relative to bench/) that the SDK is required from. A peer and its floor load the very same
   * files, so the ratio measures the instrumentation and nothing else.
   */
  readonly sdkFrom: string;
  /** Module (relative to bench/) exporting `setup(ctx)`, which starts the variant's telemetry. */
  readonly setup?: string;
  /** Extra Node flags, e.g. the preload. */
  readonly nodeArgs?: readonly string[];
  /** Environment variables set over the bench's own (src/env.ts) in this variant's processes. */
  readonly env?: Readonly<Record<string, string>>;
  /** Wrap the client with `resilient()` (and use its bulkhead instead of the harness limiter). */
  readonly resilient: boolean;
  /** The variant this one's ratios are taken against. */
  readonly floor: string;
  /**
   * At most this many measured streams a process (it and the floor beside it), when the bench's default would take
   * too long: OpenLIT tokenizes every stream that reports no usage, about a second each.
   */
  readonly maxStreamCalls?: number;
  /** A peer folder under bench/peers/ that must be installed first. */
  readonly peer?: string;
}

/** Folder whose node_modules hold the workspace's `openai` 7. */
const WORKSPACE = 'src';

/** The raw openai 6 SDK: the floor of the peers that patch openai < 7 only, and (run again) the control. */
const RAW6: Variant = {
  id: 'raw6',
  label: 'openai 6, raw',
  description: 'the raw openai 6.30.1 SDK: the floor of the peers that patch openai < 7 only',
  kind: 'floor',
  sdk: 'openai',
  sdkMajor: 6,
  sdkFrom: 'peers/otel-contrib',
  resilient: false,
  floor: 'raw6',
  peer: 'otel-contrib',
};

/**
 * Our instrumentation as the kit runs it: the preload alone (no `resilient()`), with the peers' wire format
 * (OTLP/HTTP JSON) and without its HTTP client spans (no peer makes them), so it records what the hand-assembled
 * variant records. The preload's SDK takes GenAI spans' attributes by a shorter path than the SDK's own
 * (`packages/node/src/span-attributes.ts`, `tracer-provider.ts`) and scrubs secrets from every exported span: that
 * is what sets the two rows apart.
 */
const PRELOADED_INSTRUMENTATION = {
  kind: 'aiotel',
  setup: 'src/setups/preload.ts',
  nodeArgs: ['--import', '@aiotel/node/register'],
  env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici' },
  resilient: false,
} as const;

/** Our instrumentation on openai 6 as the kit runs it (the preload alone). */
const INSTR6NODE: Variant = {
  ...PRELOADED_INSTRUMENTATION,
  id: 'instr6node',
  label: '+ @aiotel/instrumentation-openai via @aiotel/node (openai 6)',
  description:
    'our instrumentation on openai 6.30.1 through the preload (node --import @aiotel/node/register, no resilient()), OTLP/HTTP JSON, HTTP spans off',
  sdk: 'openai',
  sdkMajor: 6,
  sdkFrom: 'peers/otel-contrib',
  floor: 'raw6',
  peer: 'otel-contrib',
};

/** The official contrib instrumentation on openai 6. */
const CONTRIB6: Variant = {
  id: 'contrib6',
  label: '@opentelemetry/instrumentation-openai 0.22.0',
  description:
    'the official contrib instrumentation (openai < 7 only) with an OTel SDK 3.1 exporting to the sink',
  kind: 'peer',
  sdk: 'openai',
  sdkMajor: 6,
  sdkFrom: 'peers/otel-contrib',
  setup: 'peers/otel-contrib/setup.cjs',
  resilient: false,
  floor: 'raw6',
  peer: 'otel-contrib',
};

/** OpenLLMetry on openai 6. */
const TRACELOOP6: Variant = {
  id: 'traceloop6',
  label: 'OpenLLMetry 0.27.0',
  description:
    '@traceloop/instrumentation-openai (openai < 7 only) with an OTel SDK 2.6 exporting to the sink',
  kind: 'peer',
  sdk: 'openai',
  sdkMajor: 6,
  sdkFrom: 'peers/traceloop',
  setup: 'peers/traceloop/setup.cjs',
  resilient: false,
  floor: 'raw6',
  peer: 'traceloop',
};

/**
 * `base`'s `…u` variant: the same process with the app asking for its streams' usage (BENCH_STREAM_USAGE,
 * src/workloads.ts), on the floor that asks too (`raw6u`).
 */
function askingForUsage(base: Variant, label: string, description: string): Variant {
  return {
    ...base,
    id: `${base.id}u`,
    label,
    description,
    env: { ...base.env, BENCH_STREAM_USAGE: '1' },
    floor: 'raw6u',
  };
}

/** Every variant, in the order the rounds run them and the table prints them. */
export const VARIANTS: readonly Variant[] = [
  {
    id: 'raw7',
    label: 'openai 7, raw',
    description: 'the raw openai 7.60.0 SDK: the floor',
    kind: 'floor',
    sdk: 'openai',
    sdkMajor: 7,
    sdkFrom: WORKSPACE,
    resilient: false,
    floor: 'raw7',
  },
  {
    id: 'instr7',
    label: '+ @aiotel/instrumentation-openai',
    description:
      'our instrumentation with an OTel SDK 3.1 (batch spans, periodic metrics) exporting to the sink, metrics through @aiotel/aggregating-meter-provider',
    kind: 'aiotel',
    sdk: 'openai',
    sdkMajor: 7,
    sdkFrom: WORKSPACE,
    setup: 'src/setups/aiotel-instrumentation.ts',
    resilient: false,
    floor: 'raw7',
  },
  {
    id: 'resil7',
    label: '+ @aiotel/resilience',
    description: 'resilient(client) alone (default policies, bulkhead 50), no telemetry SDK',
    kind: 'aiotel',
    sdk: 'openai',
    sdkMajor: 7,
    sdkFrom: WORKSPACE,
    resilient: true,
    floor: 'raw7',
  },
  {
    id: 'full7',
    label: 'full kit',
    description: 'node --import @aiotel/node/register + resilient(client), exporting to the sink',
    kind: 'aiotel',
    sdk: 'openai',
    sdkMajor: 7,
    sdkFrom: WORKSPACE,
    setup: 'src/setups/preload.ts',
    nodeArgs: ['--import', '@aiotel/node/register'],
    resilient: true,
    floor: 'raw7',
  },
  {
    id: 'openlit7',
    label: 'OpenLIT 1.15.0',
    description: 'openlit.init() (its own SDK) exporting to the sink; patches openai 7',
    kind: 'peer',
    sdk: 'openai',
    sdkMajor: 7,
    sdkFrom: 'peers/openlit',
    setup: 'peers/openlit/setup.cjs',
    resilient: false,
    floor: 'raw7',
    maxStreamCalls: 60,
    peer: 'openlit',
  },
  RAW6,
  {
    id: 'instr6',
    label: '+ @aiotel/instrumentation-openai (openai 6)',
    description: 'our instrumentation on openai 6.30.1, same SDK setup as instr7',
    kind: 'aiotel',
    sdk: 'openai',
    sdkMajor: 6,
    sdkFrom: 'peers/otel-contrib',
    setup: 'src/setups/aiotel-instrumentation.ts',
    resilient: false,
    floor: 'raw6',
    peer: 'otel-contrib',
  },
  {
    id: 'instr6api',
    label: '+ @aiotel/instrumentation-openai (openai 6, SDK MeterProvider)',
    description:
      'instr6 with the SDK’s own MeterProvider instead of @aiotel/aggregating-meter-provider (the Meter API path)',
    kind: 'aiotel',
    sdk: 'openai',
    sdkMajor: 6,
    sdkFrom: 'peers/otel-contrib',
    setup: 'src/setups/aiotel-instrumentation-meter-api.ts',
    resilient: false,
    floor: 'raw6',
    peer: 'otel-contrib',
  },
  INSTR6NODE,
  CONTRIB6,
  TRACELOOP6,
  {
    // Runs after the peers, as far from its floor in the round as the farthest of them: what its ratio shows
    // beside 1 is how far the run's noise alone moves a variant that adds nothing.
    ...RAW6,
    id: 'raw6again',
    label: 'openai 6, raw again (control)',
    description:
      'the raw openai 6.30.1 SDK in a second process: the control, whose ratio to the floor is noise',
    kind: 'control',
  },
  // The same work for all: the app asks for the stream's usage (BENCH_STREAM_USAGE, src/workloads.ts), as it must
  // to get streamed tokens from the peers. Above, ours asks for it and the peers do not, so ours' streams carry the
  // bytes that make streamed token counts (and cost) possible and theirs do not; here they all carry them.
  askingForUsage(
    RAW6,
    'openai 6, raw, the app asks for stream usage',
    'the raw openai 6.30.1 SDK, its streams asking for usage (stream_options.include_usage): the floor of the variants below',
  ),
  askingForUsage(
    INSTR6NODE,
    '+ @aiotel/instrumentation-openai via @aiotel/node (openai 6, the app asks for stream usage)',
    'instr6node with the app asking for its streams’ usage itself, so the instrumentation adds nothing to the request',
  ),
  askingForUsage(
    CONTRIB6,
    '@opentelemetry/instrumentation-openai 0.22.0 (the app asks for stream usage)',
    'contrib6 with the app asking for its streams’ usage, which contrib then records as the streams’ tokens',
  ),
  askingForUsage(
    TRACELOOP6,
    'OpenLLMetry 0.27.0 (the app asks for stream usage)',
    'traceloop6 with the app asking for its streams’ usage, which OpenLLMetry then records as the streams’ tokens',
  ),
  {
    id: 'rawA0',
    label: '@anthropic-ai/sdk 0, raw',
    description:
      'the raw @anthropic-ai/sdk 0.137.0 (Messages API): the floor of the Anthropic variants (OpenLLMetry 0.27 cannot load 1.x: its patch reads the removed Anthropic.Completions and the require throws)',
    kind: 'floor',
    sdk: 'anthropic',
    sdkMajor: 0,
    sdkFrom: 'peers/traceloop',
    resilient: false,
    floor: 'rawA0',
    peer: 'traceloop',
  },
  {
    id: 'instrA0',
    label: '+ @aiotel/instrumentation-anthropic',
    description: 'our Anthropic instrumentation on @anthropic-ai/sdk 0.137.0, same SDK setup as instr7',
    kind: 'aiotel',
    sdk: 'anthropic',
    sdkMajor: 0,
    sdkFrom: 'peers/traceloop',
    setup: 'src/setups/aiotel-anthropic.ts',
    resilient: false,
    floor: 'rawA0',
    peer: 'traceloop',
  },
  {
    ...PRELOADED_INSTRUMENTATION,
    id: 'instrA0node',
    label: '+ @aiotel/instrumentation-anthropic via @aiotel/node',
    description:
      'our Anthropic instrumentation on @anthropic-ai/sdk 0.137.0 through the preload (no resilient()), OTLP/HTTP JSON, HTTP spans off',
    sdk: 'anthropic',
    sdkMajor: 0,
    sdkFrom: 'peers/traceloop',
    floor: 'rawA0',
    peer: 'traceloop',
  },
  {
    id: 'traceloopA0',
    label: 'OpenLLMetry anthropic 0.27.0',
    description:
      '@traceloop/instrumentation-anthropic on @anthropic-ai/sdk 0.137.0 with an OTel SDK 2.6 exporting to the sink',
    kind: 'peer',
    sdk: 'anthropic',
    sdkMajor: 0,
    sdkFrom: 'peers/traceloop',
    setup: 'peers/traceloop/setup-anthropic.cjs',
    resilient: false,
    floor: 'rawA0',
    peer: 'traceloop',
  },
];

/** The variants named in a comma-separated list (all of them for an empty list), in table order. */
export function selectVariants(list: string | undefined): Variant[] {
  if (!list) return [...VARIANTS];
  const wanted = new Set(
    list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const unknown = [...wanted].filter((id) => !VARIANTS.some((v) => v.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown variant(s) ${unknown.join(', ')}; known: ${VARIANTS.map((v) => v.id).join(', ')}`,
    );
  }
  // A ratio needs its floor in the same rounds.
  for (const v of VARIANTS) if (wanted.has(v.id)) wanted.add(v.floor);
  return VARIANTS.filter((v) => wanted.has(v.id));
}
