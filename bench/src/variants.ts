/** What a variant's process loads, and what it is compared with. */
export interface Variant {
  /** Short id used in results and on the command line (`--variants raw7,full7`). */
  readonly id: string;
  /** The name printed in the table. */
  readonly label: string;
  /** One line on what the process runs. */
  readonly description: string;
  /** Who wrote the telemetry: nobody (a floor), us, or a peer. */
  readonly kind: 'floor' | 'aiotel' | 'peer';
  /** The `openai` release the variant runs on. */
  readonly openaiMajor: 6 | 7;
  /**
   * Folder (relative to bench/) that `openai` is required from. A peer and its floor load the very same
   * files, so the ratio measures the instrumentation and nothing else.
   */
  readonly openaiFrom: string;
  /** Module (relative to bench/) exporting `setup(ctx)`, which starts the variant's telemetry. */
  readonly setup?: string;
  /** Extra Node flags, e.g. the preload. */
  readonly nodeArgs?: readonly string[];
  /** Wrap the client with `resilient()` (and use its bulkhead instead of the harness limiter). */
  readonly resilient: boolean;
  /** The variant this one's ratios are taken against. */
  readonly floor: string;
  /** A peer folder under bench/peers/ that must be installed first. */
  readonly peer?: string;
}

/** Folder whose node_modules hold the workspace's `openai` 7. */
const WORKSPACE = 'src';

/** Every variant, in the order the rounds run them and the table prints them. */
export const VARIANTS: readonly Variant[] = [
  {
    id: 'raw7',
    label: 'openai 7, raw',
    description: 'the raw openai 7.57.0 SDK: the floor',
    kind: 'floor',
    openaiMajor: 7,
    openaiFrom: WORKSPACE,
    resilient: false,
    floor: 'raw7',
  },
  {
    id: 'instr7',
    label: '+ @aiotel/instrumentation-openai',
    description:
      'our instrumentation with an OTel SDK 3.1 (batch spans, periodic metrics) exporting to the sink',
    kind: 'aiotel',
    openaiMajor: 7,
    openaiFrom: WORKSPACE,
    setup: 'src/setups/aiotel-instrumentation.ts',
    resilient: false,
    floor: 'raw7',
  },
  {
    id: 'resil7',
    label: '+ @aiotel/resilience',
    description: 'resilient(client) alone (default policies, bulkhead 50), no telemetry SDK',
    kind: 'aiotel',
    openaiMajor: 7,
    openaiFrom: WORKSPACE,
    resilient: true,
    floor: 'raw7',
  },
  {
    id: 'full7',
    label: 'full kit',
    description: 'node --import @aiotel/node/register + resilient(client), exporting to the sink',
    kind: 'aiotel',
    openaiMajor: 7,
    openaiFrom: WORKSPACE,
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
    openaiMajor: 7,
    openaiFrom: 'peers/openlit',
    setup: 'peers/openlit/setup.cjs',
    resilient: false,
    floor: 'raw7',
    peer: 'openlit',
  },
  {
    id: 'raw6',
    label: 'openai 6, raw',
    description: 'the raw openai 6.30.1 SDK: the floor of the peers that patch openai < 7 only',
    kind: 'floor',
    openaiMajor: 6,
    openaiFrom: 'peers/otel-contrib',
    resilient: false,
    floor: 'raw6',
    peer: 'otel-contrib',
  },
  {
    id: 'instr6',
    label: '+ @aiotel/instrumentation-openai (openai 6)',
    description: 'our instrumentation on openai 6.30.1, same SDK setup as instr7',
    kind: 'aiotel',
    openaiMajor: 6,
    openaiFrom: 'peers/otel-contrib',
    setup: 'src/setups/aiotel-instrumentation.ts',
    resilient: false,
    floor: 'raw6',
    peer: 'otel-contrib',
  },
  {
    id: 'contrib6',
    label: '@opentelemetry/instrumentation-openai 0.22.0',
    description:
      'the official contrib instrumentation (openai < 7 only) with an OTel SDK 3.0 exporting to the sink',
    kind: 'peer',
    openaiMajor: 6,
    openaiFrom: 'peers/otel-contrib',
    setup: 'peers/otel-contrib/setup.cjs',
    resilient: false,
    floor: 'raw6',
    peer: 'otel-contrib',
  },
  {
    id: 'traceloop6',
    label: 'OpenLLMetry 0.27.0',
    description:
      '@traceloop/instrumentation-openai (openai < 7 only) with an OTel SDK 2.6 exporting to the sink',
    kind: 'peer',
    openaiMajor: 6,
    openaiFrom: 'peers/traceloop',
    setup: 'peers/traceloop/setup.cjs',
    resilient: false,
    floor: 'raw6',
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
