/**
 * `pnpm bench`: the overhead of aiotel against the raw `openai` SDK and peer instrumentations, side by
 * side in one run. The fake AI API and the OTLP sink run in their own processes; each variant runs in a
 * fresh process per round at the same time as a fresh process of its floor, their windows paced together
 * (src/pacing.ts), so a slow spell of the machine hits both sides of each ratio; rounds interleave the
 * variants (A B C … A B C …). Writes bench/results/<date>.json, bench/results/overhead.svg and the table in
 * bench/README.md. `node src/bench.ts --help` lists the options.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { type ServerProcess, startServerProcess } from './child.ts';
import { positiveIntegerOption } from './cli.ts';
import { telemetryEnv } from './env.ts';
import { machineInfo, packageVersions } from './machine.ts';
import { isPaceMessage, Pacer, sideBySideGroups } from './pacing.ts';
import { ensurePeer } from './peers.ts';
import type { WorkerResult, WorkerTask, WorkloadSizes } from './protocol.ts';
import { renderChart } from './report/chart.ts';
import { renderNoise } from './report/noise.ts';
import { replaceBetweenMarkers } from './report/readme.ts';
import { checkTargets, type RoundRecord, summarise } from './report/summary.ts';
import { renderFlushes, renderTable, renderTargets } from './report/table.ts';
import { BENCH_DIR } from './runtime.ts';
import type { SdkFloor } from './sdk-floor.ts';
import type { SinkStats } from './servers/otlp-sink.ts';
import type { StoreCost } from './store-cost.ts';
import { selectVariants, type Variant } from './variants.ts';
import { BENCH_SIZES } from './workloads.ts';

const HELP = `usage: node src/bench.ts [options]
  --rounds N                 rounds (a fresh process per variant per round; default 5)
  --calls N                  measured non-streaming calls per process (default 2000)
  --stream-calls N           measured streaming calls per process (default 180; 60 beside OpenLIT)
  --chunks N                 content chunks per stream (default 500)
  --concurrent-calls N       calls started at once in the concurrent workload (default 3000)
  --concurrency N            in flight at most (bulkhead / harness limiter; default 50)
  --variants a,b             only these variants (their floors are added); default all
  --quick                    1 round of small workloads, to check the harness
  --profile ID               also write a --cpu-prof profile of variant ID per round to bench/.tmp/profiles
  --one-at-a-time            run each process alone, one after another (as runs 1–9 of bench/journal.md did),
                             instead of each variant beside a process of its floor
  --help
A run with default sizes and all variants writes bench/results/<date>.json, results/overhead.svg and the
README table; any other run writes bench/.tmp/results-<date>.json only.`;

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string' },
    calls: { type: 'string' },
    'stream-calls': { type: 'string' },
    chunks: { type: 'string' },
    'concurrent-calls': { type: 'string' },
    concurrency: { type: 'string' },
    variants: { type: 'string' },
    quick: { type: 'boolean', default: false },
    profile: { type: 'string' },
    'one-at-a-time': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

function intOption(name: keyof typeof opts, fallback: number): number {
  return positiveIntegerOption(opts, name, fallback);
}

const quick = opts.quick === true;
const rounds = intOption('rounds', quick ? 1 : 5);
const sizes: WorkloadSizes = {
  calls: intOption('calls', quick ? 200 : BENCH_SIZES.calls),
  warmupCalls: quick ? 50 : BENCH_SIZES.warmupCalls,
  streamCalls: intOption('stream-calls', quick ? 5 : BENCH_SIZES.streamCalls),
  warmupStreamCalls: BENCH_SIZES.warmupStreamCalls,
  chunks: intOption('chunks', BENCH_SIZES.chunks),
  concurrentCalls: intOption('concurrent-calls', quick ? 200 : BENCH_SIZES.concurrentCalls),
  concurrency: intOption('concurrency', BENCH_SIZES.concurrency),
  warmupConcurrentCalls: quick ? 50 : BENCH_SIZES.warmupConcurrentCalls,
};
// BENCH_TOKEN_MS (paced streams) and a global BENCH_STREAM_USAGE (every variant's app asking for its streams' usage,
// src/workloads.ts) are other workloads than the default one: not official either.
const official =
  !quick &&
  !opts.variants &&
  !opts.profile &&
  !opts['one-at-a-time'] &&
  !process.env.BENCH_TOKEN_MS &&
  !process.env.BENCH_STREAM_USAGE &&
  ['rounds', 'calls', 'stream-calls', 'chunks', 'concurrent-calls', 'concurrency'].every(
    (k) => opts[k as keyof typeof opts] === undefined,
  );

/** Where `--profile ID` writes the profiles of ID's processes. */
const profileDir = opts.profile ? join(BENCH_DIR, '.tmp', 'profiles') : undefined;

function runWorker(
  variant: Variant,
  task: WorkerTask,
  profileDir: string | undefined,
  pacer: Pacer | undefined,
): Promise<WorkerResult> {
  const execArgv = ['--expose-gc', ...(variant.nodeArgs ?? [])];
  if (profileDir) {
    // One folder per process: a process with a loader hook writes one profile per thread.
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${variant.id}-round${task.round}`)}`);
  }
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH_DIR, 'src', 'worker.ts'), [], {
      cwd: BENCH_DIR,
      execArgv,
      env: {
        ...telemetryEnv(`aiotel-bench-${variant.id}`, task.sinkUrl, { BENCH_WORKER: JSON.stringify(task) }),
        ...variant.env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    pacer?.add(child);
    let result: WorkerResult | undefined;
    // Generous: OpenLIT tokenizes every stream that carries no usage, about a second per stream.
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.on('message', (msg) => {
      if (!isPaceMessage(msg)) result = msg as WorkerResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`worker exited with ${signal ?? code} before reporting`));
    });
  });
}

/**
 * Runs a measurement script of `src/` with `--json` in a fresh process and returns what it printed; undefined (with
 * the reason on stderr) if it fails: the SDK floor (`sdk-floor.ts`), the shared store's cost (`store-cost.ts`).
 */
function measure<T>(script: string, what: string, timeoutMs: number): T | undefined {
  try {
    const out = execFileSync(process.execPath, [join(BENCH_DIR, 'src', script), '--json'], {
      cwd: BENCH_DIR,
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    return JSON.parse(out) as T;
  } catch (err) {
    console.error(
      `bench: ${what} could not be measured: ${err instanceof Error ? err.message : String(err)}`,
    );
    return undefined;
  }
}

/** The README lines of the store's cost. */
function storeCostLines(cost: StoreCost): string[] {
  return [
    `Shared store (\`src/store-cost.ts\`, \`redisStore()\` on a loopback redis-server, ${cost.calls} sequential calls × ` +
      `${cost.rounds} rounds, default policies with a bulkhead): ${cost.storeUs.toFixed(1)} µs CPU per call against ` +
      `${cost.kitUs.toFixed(1)} µs for the same kit without a store (+${(cost.storeUs - cost.kitUs).toFixed(1)}), ` +
      `${cost.roundTripsPerCall.toFixed(2)} Redis round trips per call; wall ${cost.storeWallUs.toFixed(0)} µs against ` +
      `${cost.kitWallUs.toFixed(0)} µs per call.`,
    '',
  ];
}

/** Every call a worker made: its workloads, their warm-ups, and the calls that kept it busy beside its floor. */
function callsMade(s: WorkloadSizes, result: WorkerResult): number {
  return (
    2 * s.warmupCalls + // the non-streaming warm-up runs twice, before and after a full GC (src/worker.ts)
    s.calls +
    s.warmupStreamCalls +
    s.streamCalls +
    s.warmupConcurrentCalls +
    s.concurrentCalls +
    (result.extraCalls ?? 0)
  );
}

/** The streams a process of `variant` (or of the floor beside it) measures: the run's, or fewer if it allows fewer. */
function streamCallsOf(variant: Variant): number {
  return Math.min(sizes.streamCalls, variant.maxStreamCalls ?? sizes.streamCalls);
}

/** The variants (and so their floors' processes beside them) that ran fewer streams than the run's, said as a clause. */
function fewerStreams(variants: readonly Variant[]): string {
  const fewer = variants.filter((v) => streamCallsOf(v) < sizes.streamCalls);
  return fewer.map((v) => ` (${v.label} and the floor beside it: ${v.maxStreamCalls})`).join('');
}

/** A worker's CPU figures, for the progress lines. */
function figures(r: WorkerResult): string {
  return (
    `${r.nonStreaming.cpuUsPerCall.toFixed(1)} µs/call, ${r.streaming.cpuUsPerChunk.toFixed(2)} µs/chunk, ` +
    `${r.concurrent.cpuUsPerCall.toFixed(1)} µs/concurrent call`
  );
}

/**
 * Runs one group of a round (a variant beside its floor, paced, or one process alone) and files what it measured in
 * `inRound`: the variant's record, with the figures of the floor's process beside it; the floor's own record from
 * the first group of the round that ran it. A failure of either process fails the variant's round.
 */
async function runGroup(
  group: readonly Variant[],
  round: number,
  fakeUrl: string,
  sink: ServerProcess,
  inRound: Map<string, RoundRecord>,
): Promise<void> {
  const [floor, variant] = group.length > 1 ? [group[0], group[1]!] : [undefined, group[0]!];
  // Which of the two is forked first alternates by round; the pacing starts their windows together anyway.
  const ordered = round % 2 === 0 ? group : [...group].reverse();
  const pacer = floor ? new Pacer() : undefined;
  // A group runs the same work: the smallest stream count any of its variants allows.
  // Its stream warm-up is a sixth of that (30 before 180 streams; OpenLIT, about a second a stream: 10 before 60).
  const streamCalls = Math.min(...group.map(streamCallsOf));
  const warmupStreamCalls = Math.min(sizes.warmupStreamCalls, Math.ceil(streamCalls / 6));
  const groupSizes = { ...sizes, streamCalls, warmupStreamCalls };
  await sink.request('reset');
  const started = Date.now();
  const settled = await Promise.allSettled(
    ordered.map((v) =>
      runWorker(
        v,
        {
          variant: v,
          round,
          fakeUrl,
          sinkUrl: sink.url,
          sizes: groupSizes,
          sideBySide: pacer !== undefined,
        },
        opts.profile === v.id ? profileDir : undefined,
        pacer,
      ),
    ),
  );
  // Only the variant exports telemetry: its floor is the raw SDK.
  const { stats } = await sink.request<{ stats: SinkStats }>('stats');
  const outcome = settled[ordered.indexOf(variant)]!;
  const floorOutcome = floor ? settled[ordered.indexOf(floor)] : undefined;
  if (floor && floorOutcome?.status === 'fulfilled' && !inRound.has(floor.id)) {
    const result = floorOutcome.value;
    inRound.set(floor.id, { result, sinkBytes: 0, callsMade: callsMade(groupSizes, result) });
  }
  const prefix = `round ${round + 1}/${rounds} ${variant.id.padEnd(11)}`;
  if (outcome.status === 'rejected' || floorOutcome?.status === 'rejected') {
    const failed = (outcome.status === 'rejected' ? outcome : floorOutcome) as PromiseRejectedResult;
    const message = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
    console.error(`${prefix} FAILED: ${message}`);
    inRound.set(variant.id, { error: message, sinkBytes: 0, callsMade: 0 });
    return;
  }
  const result = outcome.value;
  const floorResult = floorOutcome?.value;
  inRound.set(variant.id, {
    result,
    floorResult,
    sinkBytes: stats.bytes,
    callsMade: callsMade(groupSizes, result),
  });
  console.log(
    `${prefix} ${figures(result)}, ${result.nonStreaming.callsPerSec.toFixed(0)} calls/s, ` +
      `OTLP ${(stats.bytes / 1024).toFixed(0)} KiB` +
      (floor && floorResult ? `; beside ${floor.id}: ${figures(floorResult)}` : '') +
      `; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  let variants = selectVariants(opts.variants);
  const skipped: Array<{ variant: string; reason: string }> = [];
  const peerErrors = new Map<string, string | undefined>();
  for (const peer of new Set(variants.flatMap((v) => (v.peer ? [v.peer] : []))))
    peerErrors.set(peer, ensurePeer(peer));
  variants = variants.filter((v) => {
    const err = v.peer ? peerErrors.get(v.peer) : undefined;
    if (err) skipped.push({ variant: v.id, reason: err });
    return !err;
  });
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const servers: ServerProcess[] = [];
  try {
    const fake = await startServerProcess(join(BENCH_DIR, 'src', 'servers', 'fake-server.ts'));
    servers.push(fake);
    const sink = await startServerProcess(join(BENCH_DIR, 'src', 'servers', 'otlp-sink.ts'));
    servers.push(sink);
    console.log(
      `bench: ${variants.length} variants × ${rounds} rounds; per process ${sizes.calls} calls, ` +
        `${sizes.streamCalls} streams × ${sizes.chunks} chunks, ${sizes.concurrentCalls} calls ${sizes.concurrency} at a time`,
    );

    const sdkFloor = measure<SdkFloor>('sdk-floor.ts', 'the SDK floor', 120_000);
    if (sdkFloor) {
      console.log(
        `bench: OpenTelemetry SDK alone: ${sdkFloor.histogramRecordUs.toFixed(2)} µs per histogram record, ` +
          `${sdkFloor.spanUs.toFixed(2)} µs per span, ${sdkFloor.callUs.toFixed(2)} µs per call's telemetry`,
      );
    }

    const storeCost = measure<StoreCost>('store-cost.ts', 'the store cost', 300_000);
    if (storeCost) {
      console.log(
        `bench: shared store: +${(storeCost.storeUs - storeCost.kitUs).toFixed(1)} µs CPU per call, ` +
          `${storeCost.roundTripsPerCall.toFixed(2)} Redis round trips per call`,
      );
    }

    const records = new Map<string, RoundRecord[]>(variants.map((v) => [v.id, []]));
    const groups = opts['one-at-a-time'] ? variants.map((v) => [v]) : sideBySideGroups(variants);
    for (let round = 0; round < rounds; round++) {
      const inRound = new Map<string, RoundRecord>();
      for (const group of groups) await runGroup(group, round, fake.url, sink, inRound);
      for (const v of variants)
        records.get(v.id)!.push(inRound.get(v.id) ?? { error: 'did not run', sinkBytes: 0, callsMade: 0 });
    }
    const fakeStats = await fake.request<{ stats: unknown }>('stats');

    const summaries = summarise(variants, records);
    const targets = checkTargets(summaries, sdkFloor);
    const date = new Date();
    const day = date.toISOString().slice(0, 10);
    const table = renderTable(summaries);
    const targetTable = renderTargets(targets);
    const flushTable = renderFlushes(summaries);
    const noise = renderNoise(summaries);
    const machine = machineInfo();
    const results = {
      date: date.toISOString(),
      durationSec: Math.round((Date.now() - started) / 1000),
      machine,
      packages: packageVersions([...peerErrors.keys()]),
      sizes,
      rounds,
      otlpProtocol: { full7: 'http/protobuf (the preload default)', others: 'http/json' },
      sdkFloor: sdkFloor ?? null,
      storeCost: storeCost ?? null,
      variants: summaries,
      targets,
      skipped,
      fakeServer: fakeStats.stats,
      perRound: Object.fromEntries(records),
    };
    console.log(`\n${table}\n\n${flushTable}\n\n${noise ? `${noise}\n\n` : ''}${targetTable}\n`);
    for (const s of skipped) console.log(`skipped ${s.variant}: ${s.reason}`);

    const resultsDir = official ? join(BENCH_DIR, 'results') : join(BENCH_DIR, '.tmp');
    mkdirSync(resultsDir, { recursive: true });
    const resultsFile = join(resultsDir, official ? `${day}.json` : `results-${day}.json`);
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    const chartFile = join(resultsDir, 'overhead.svg');
    writeFileSync(chartFile, renderChart(summaries, `aiotel bench ${day}: CPU overhead over raw openai`));
    console.log(
      `bench: wrote ${relative(process.cwd(), resultsFile)} and ${relative(process.cwd(), chartFile)}`,
    );
    if (official) {
      const readmeFile = join(BENCH_DIR, 'README.md');
      const gib = (machine.memoryBytes / 1024 ** 3).toFixed(1);
      const generated = [
        `Run of ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine.cpuCount} × ${machine.cpuModel}, ${gib} GiB, Node ${machine.node}: ` +
          `${rounds} rounds, per process ${sizes.calls} calls, ${sizes.streamCalls} streams of ${sizes.chunks} chunks${fewerStreams(variants)}, ` +
          `${sizes.concurrentCalls} concurrent calls ${sizes.concurrency} at a time. Figures: median (min–max) over the rounds. ` +
          `Results file: [results/${day}.json](results/${day}.json).`,
        '',
        table,
        '',
        '![CPU overhead per variant](results/overhead.svg)',
        '',
        'The telemetry flush at the end of each workload is inside the figures above (each variant pays for all the',
        'telemetry it produced); its share:',
        '',
        flushTable,
        '',
        ...(sdkFloor
          ? [
              `The last column of the targets: what the OpenTelemetry SDK alone costs for the same telemetry ` +
                `(\`src/sdk-floor.ts\`, hot loop, no aiotel code): ${sdkFloor.histogramRecordUs.toFixed(2)} µs per histogram ` +
                `record with the six GenAI metric attributes (one per streamed chunk), ${sdkFloor.spanUs.toFixed(2)} µs per ` +
                `GenAI span serialized to protobuf, ${sdkFloor.callUs.toFixed(2)} µs for one call's span and six records.`,
              '',
            ]
          : []),
        ...(storeCost ? storeCostLines(storeCost) : []),
        ...(noise ? [noise, ''] : []),
        targetTable,
        ...(skipped.length > 0 ? ['', ...skipped.map((s) => `Not run: ${s.variant} (${s.reason}).`)] : []),
      ].join('\n');
      writeFileSync(readmeFile, replaceBetweenMarkers(readFileSync(readmeFile, 'utf8'), generated));
      console.log('bench: updated the table in bench/README.md');
    }
    console.log(`bench: done in ${results.durationSec} s`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
