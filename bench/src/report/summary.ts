import type { WorkerResult } from '../protocol.ts';
import type { SdkFloor } from '../sdk-floor.ts';
import { pairedDifferences, pairedRatios, type Spread, spread } from '../stats.ts';
import type { Variant } from '../variants.ts';

/** One variant's figures over all rounds: median, min and max of each. */
export interface VariantSummary {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly kind: Variant['kind'];
  readonly sdk: Variant['sdk'];
  readonly sdkMajor: number;
  readonly floor: string;
  /** Rounds that produced figures; fewer than asked means some rounds failed (see `errors`). */
  readonly rounds: number;
  readonly errors: readonly string[];
  readonly nonStreaming: {
    readonly cpuUsPerCall: Spread;
    readonly callsPerSec: Spread;
    /** CPU per call over the floor's in the same round. */
    readonly ratioToFloor: Spread;
    /** The same, round by round (NaN for a round that failed). */
    readonly ratioByRound: readonly number[];
    /** The part of the CPU per call spent in the telemetry flush at the end of the workload. */
    readonly flushCpuUsPerCall: Spread;
  };
  readonly streaming: {
    readonly cpuUsPerChunk: Spread;
    readonly chunksPerSec: Spread;
    /** CPU per chunk minus the floor's in the same round (per-call costs included, spread over the chunks). */
    readonly overheadUsPerChunk: Spread;
    /** The same, round by round (NaN for a round that failed). */
    readonly overheadByRound: readonly number[];
    readonly ratioToFloor: Spread;
    readonly ratioByRound: readonly number[];
    /** The part of the CPU per chunk spent in the telemetry flush at the end of the workload. */
    readonly flushCpuUsPerChunk: Spread;
  };
  readonly concurrent: {
    readonly cpuUsPerCall: Spread;
    readonly callsPerSec: Spread;
    readonly ratioToFloor: Spread;
    readonly ratioByRound: readonly number[];
  };
  /** Heap used after a full GC at the end of the round, in MiB. */
  readonly heapMiB: Spread;
  /**
   * Heap after GC at the end minus after the non-streaming window, in MiB (what the streamed and concurrent work left
   * behind).
   */
  readonly heapGrowthMiB: Spread;
  /** OTLP bytes the sink received per call made by the process (warm-ups included). */
  readonly telemetryBytesPerCall: Spread;
}

/** What one round of one variant produced: the worker's figures and what the sink received meanwhile. */
export interface RoundRecord {
  readonly result?: WorkerResult;
  /** The figures of the floor's process that ran beside this one (side by side), which its ratios are taken against. */
  readonly floorResult?: WorkerResult;
  readonly error?: string;
  readonly sinkBytes: number;
  readonly callsMade: number;
}

const MiB = 1024 * 1024;

/**
 * Summarises the rounds of every variant. `records` maps a variant id to its per-round records, index i
 * being round i for every variant; a variant's ratios in a round are to the floor's process that ran beside it
 * (`floorResult`), or else to the floor's own record of that round.
 */
export function summarise(
  variants: readonly Variant[],
  records: ReadonlyMap<string, readonly RoundRecord[]>,
): VariantSummary[] {
  const fig = (id: string, pick: (r: WorkerResult) => number): number[] =>
    (records.get(id) ?? []).map((rec) => (rec.result ? pick(rec.result) : Number.NaN));
  return variants.map((v) => {
    // The floor's figures of each round: those of the floor's process beside this variant's, when it had one.
    const floorFig = (pick: (r: WorkerResult) => number): number[] => {
      const own = records.get(v.floor) ?? [];
      return (records.get(v.id) ?? []).map((rec, i) => {
        const floor = rec.floorResult ?? own[i]?.result;
        return floor ? pick(floor) : Number.NaN;
      });
    };
    const recs = records.get(v.id) ?? [];
    const ok = recs.filter((r) => r.result);
    const nsCpu = fig(v.id, (r) => r.nonStreaming.cpuUsPerCall);
    const stCpu = fig(v.id, (r) => r.streaming.cpuUsPerChunk);
    const ccCpu = fig(v.id, (r) => r.concurrent.cpuUsPerCall);
    const nsRatios = pairedRatios(
      nsCpu,
      floorFig((r) => r.nonStreaming.cpuUsPerCall),
    );
    const stFloor = floorFig((r) => r.streaming.cpuUsPerChunk);
    const stOverheads = pairedDifferences(stCpu, stFloor);
    const stRatios = pairedRatios(stCpu, stFloor);
    const ccRatios = pairedRatios(
      ccCpu,
      floorFig((r) => r.concurrent.cpuUsPerCall),
    );
    return {
      id: v.id,
      label: v.label,
      description: v.description,
      kind: v.kind,
      sdk: v.sdk,
      sdkMajor: v.sdkMajor,
      floor: v.floor,
      rounds: ok.length,
      errors: recs.flatMap((r) => (r.error ? [r.error] : [])),
      nonStreaming: {
        cpuUsPerCall: spread(nsCpu),
        callsPerSec: spread(fig(v.id, (r) => r.nonStreaming.callsPerSec)),
        ratioToFloor: spread(nsRatios),
        ratioByRound: nsRatios,
        flushCpuUsPerCall: spread(fig(v.id, (r) => r.nonStreaming.flushCpuUs / r.nonStreaming.calls)),
      },
      streaming: {
        cpuUsPerChunk: spread(stCpu),
        chunksPerSec: spread(fig(v.id, (r) => r.streaming.chunks / (r.streaming.wallMs / 1000))),
        overheadUsPerChunk: spread(stOverheads),
        overheadByRound: stOverheads,
        ratioToFloor: spread(stRatios),
        ratioByRound: stRatios,
        flushCpuUsPerChunk: spread(fig(v.id, (r) => r.streaming.flushCpuUs / r.streaming.chunks)),
      },
      concurrent: {
        cpuUsPerCall: spread(ccCpu),
        callsPerSec: spread(fig(v.id, (r) => r.concurrent.callsPerSec)),
        ratioToFloor: spread(ccRatios),
        ratioByRound: ccRatios,
      },
      heapMiB: spread(fig(v.id, (r) => r.concurrent.heapAfterGcBytes / MiB)),
      heapGrowthMiB: spread(
        fig(v.id, (r) => (r.concurrent.heapAfterGcBytes - r.nonStreaming.heapAfterGcBytes) / MiB),
      ),
      telemetryBytesPerCall: spread(ok.map((r) => r.sinkBytes / Math.max(1, r.callsMade))),
    };
  });
}

/** A target of the issue, as the run measured it. */
export interface TargetCheck {
  readonly name: string;
  readonly target: string;
  /** The measured figure (median over rounds), in the unit the target states. */
  readonly measured: number;
  /** False when missed (judged on the medians); undefined when a variant it needs did not run. */
  readonly met: boolean | undefined;
  /** In how many of the rounds measured on both sides the goal held, round by round. */
  readonly rounds?: { readonly met: number; readonly of: number };
  /**
   * What the OpenTelemetry SDK alone costs for the same telemetry, in the target's unit (see `sdk-floor.ts`):
   * no instrumentation following the conventions on this SDK can measure below it. Absent when not measured.
   */
  readonly sdkFloor?: number;
}

/** `{ rounds: { met, of } }` over the finite per-round values, or nothing when there are none. */
export function roundsMet(
  values: readonly number[],
  holds: (value: number) => boolean,
): Pick<TargetCheck, 'rounds'> {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? {} : { rounds: { met: finite.filter(holds).length, of: finite.length } };
}

/** The workloads a peer is compared on: name, median ratio to the floor, ratios round by round. */
const PEER_WORKLOADS = [
  [
    'non-streaming',
    (s: VariantSummary) => s.nonStreaming.ratioToFloor.median,
    (s: VariantSummary) => s.nonStreaming.ratioByRound,
  ],
  [
    'streaming',
    (s: VariantSummary) => s.streaming.ratioToFloor.median,
    (s: VariantSummary) => s.streaming.ratioByRound,
  ],
  [
    'concurrent',
    (s: VariantSummary) => s.concurrent.ratioToFloor.median,
    (s: VariantSummary) => s.concurrent.ratioByRound,
  ],
] as const;

/**
 * The targets of the issue: full kit ≤ 1.10× raw per call, < 1 µs per chunk (the goals), with the steps towards them
 * (≤ 1.30× per call, ≤ 2.5 µs per chunk, ≤ 1.5× per concurrent call); our instrumentation under every peer.
 */
export function checkTargets(summaries: readonly VariantSummary[], floor?: SdkFloor): TargetCheck[] {
  const byId = new Map(summaries.map((s) => [s.id, s]));
  const checks: TargetCheck[] = [];
  const full = byId.get('full7');
  const ratio = full?.nonStreaming.ratioToFloor.median ?? Number.NaN;
  const raw = byId.get(full?.floor ?? 'raw7')?.nonStreaming.cpuUsPerCall.median ?? Number.NaN;
  const fullKit = (
    name: string,
    target: string,
    measured: number,
    byRound: readonly number[],
    holds: (value: number) => boolean,
    sdkFloor: number | undefined,
  ): TargetCheck => ({
    name,
    target,
    measured,
    met: Number.isFinite(measured) ? holds(measured) : undefined,
    ...roundsMet(byRound, holds),
    ...(sdkFloor !== undefined ? { sdkFloor } : {}),
  });
  // The SDK's cost of one call's telemetry on top of the raw call.
  const callFloor = floor && Number.isFinite(raw) ? (raw + floor.callUs) / raw : undefined;
  const perCall = 'full kit CPU per non-streaming call vs raw openai 7';
  const byRound = full?.nonStreaming.ratioByRound ?? [];
  checks.push(fullKit(perCall, '≤ 1.10×', ratio, byRound, (r) => r <= 1.1, callFloor));
  checks.push(fullKit(`${perCall} (step)`, '≤ 1.30×', ratio, byRound, (r) => r <= 1.3, callFloor));
  const perChunk = full?.streaming.overheadUsPerChunk.median ?? Number.NaN;
  const chunkName = 'full kit CPU overhead per streamed chunk';
  const chunkRounds = full?.streaming.overheadByRound ?? [];
  // One `time_per_output_chunk` record per chunk after the first, as the conventions ask.
  const chunkFloor = floor?.histogramRecordUs;
  checks.push(fullKit(chunkName, '< 1 µs', perChunk, chunkRounds, (d) => d < 1, chunkFloor));
  checks.push(fullKit(`${chunkName} (step)`, '≤ 2.5 µs', perChunk, chunkRounds, (d) => d <= 2.5, chunkFloor));
  checks.push(
    fullKit(
      'full kit CPU per concurrent call vs raw openai 7 (step)',
      '≤ 1.5×',
      full?.concurrent.ratioToFloor.median ?? Number.NaN,
      full?.concurrent.ratioByRound ?? [],
      (r) => r <= 1.5,
      undefined,
    ),
  );
  const ours = summaries.filter((s) => s.kind === 'aiotel' && s.id.startsWith('instr'));
  for (const peer of summaries.filter((s) => s.kind === 'peer')) {
    // Every variant of ours on the peer's floor (with and without the aggregating meter provider) faces the peer.
    const mines = ours.filter((s) => s.floor === peer.floor);
    for (const mine of mines.length > 0 ? mines : [undefined]) {
      for (const [workload, pick, byRound] of PEER_WORKLOADS) {
        const a = mine ? pick(mine) : Number.NaN;
        const b = pick(peer);
        const theirs = byRound(peer);
        // Our variant and the peer ran in the same rounds against the same floor: compare them round by round.
        const differences = (mine ? byRound(mine) : []).map((ours, i) => ours - (theirs[i] ?? Number.NaN));
        checks.push({
          name: `${mine?.label ?? 'our instrumentation'} vs ${peer.label} (${workload}, × floor)`,
          target: `below ${Number.isFinite(b) ? b.toFixed(3) : 'n/a'}×`,
          measured: a,
          met: Number.isFinite(a) && Number.isFinite(b) ? a < b : undefined,
          ...roundsMet(differences, (d) => d < 0),
        });
      }
    }
  }
  return checks;
}
