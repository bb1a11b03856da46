/**
 * `pnpm bench:soak`: 200,000 calls through the full kit (preload + resilient client) with telemetry
 * exported to the sink, to show that memory stays flat and the event loop stays responsive. Heap after GC
 * at the end is compared with its level after the warm-up; event-loop delay p99 is reported. Writes
 * bench/results/soak-<date>.json and the soak figures in bench/README.md. `--help` lists the options.
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { type ServerProcess, startServerProcess } from './child.ts';
import { positiveIntegerOption } from './cli.ts';
import { telemetryEnv } from './env.ts';
import { machineInfo, packageVersions } from './machine.ts';
import { replaceBetweenMarkers, SOAK_END, SOAK_START } from './report/readme.ts';
import { BENCH_DIR } from './runtime.ts';
import type { SinkStats } from './servers/otlp-sink.ts';
import type { SoakResult, SoakTask } from './soak-worker.ts';

const HELP = `usage: node src/soak.ts [options]
  --calls N          measured calls (default 200000)
  --parallel N       calls in flight (default 20)
  --stream-every N   one call in N streams (default 100)
  --chunks N         chunks per stream (default 100)
  --help
A run with the default call count writes bench/results/soak-<date>.json and the README figures; others
write bench/.tmp/soak-<date>.json only.`;

/** "Within a few percent": the heap after GC at the end may exceed its post-warm-up level by this much. */
const HEAP_GROWTH_LIMIT_PERCENT = 5;

const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string' },
    parallel: { type: 'string' },
    'stream-every': { type: 'string' },
    chunks: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
function intOption(name: 'calls' | 'parallel' | 'stream-every' | 'chunks', fallback: number): number {
  return positiveIntegerOption(opts, name, fallback);
}
const calls = intOption('calls', 200_000);
const official = opts.calls === undefined;

function runSoak(task: SoakTask): Promise<SoakResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH_DIR, 'src', 'soak-worker.ts'), [], {
      cwd: BENCH_DIR,
      execArgv: ['--expose-gc', '--import', '@aiotel/node/register'],
      env: telemetryEnv('aiotel-bench-soak', task.sinkUrl, { BENCH_SOAK: JSON.stringify(task) }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: SoakResult | undefined;
    child.on('message', (msg) => {
      result = msg as SoakResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`soak process exited with ${signal ?? code} before reporting`));
    });
  });
}

async function main(): Promise<void> {
  const servers: ServerProcess[] = [];
  try {
    const fake = await startServerProcess(join(BENCH_DIR, 'src', 'servers', 'fake-server.ts'));
    servers.push(fake);
    const sink = await startServerProcess(join(BENCH_DIR, 'src', 'servers', 'otlp-sink.ts'));
    servers.push(sink);
    const task: SoakTask = {
      fakeUrl: fake.url,
      sinkUrl: sink.url,
      calls,
      warmupCalls: Math.min(5000, Math.ceil(calls / 10)),
      parallel: intOption('parallel', 20),
      streamEvery: intOption('stream-every', 100),
      chunks: intOption('chunks', 100),
      sampleEvery: Math.max(1, Math.floor(calls / 10)),
    };
    console.log(
      `soak: ${calls} calls through the full kit, ${task.parallel} in flight, 1 in ${task.streamEvery} streaming`,
    );
    const result = await runSoak(task);
    const { stats: sinkStats } = await sink.request<{ stats: SinkStats }>('stats');
    const { stats: fakeStats } = await fake.request<{ stats: unknown }>('stats');
    const heapWithinLimit = result.heapGrowthPercent <= HEAP_GROWTH_LIMIT_PERCENT;
    const date = new Date();
    const day = date.toISOString().slice(0, 10);
    const machine = machineInfo();
    const out = {
      date: date.toISOString(),
      machine,
      packages: packageVersions([]),
      task: { ...task, fakeUrl: undefined, sinkUrl: undefined },
      otlpProtocol: 'http/protobuf',
      result,
      heapGrowthLimitPercent: HEAP_GROWTH_LIMIT_PERCENT,
      heapWithinLimit,
      sink: sinkStats,
      fakeServer: fakeStats,
    };
    const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
    const lines = [
      `Soak run of ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}: ` +
        `${result.calls} calls (${result.streams} of them streams of ${task.chunks} chunks) through the full kit, ${task.parallel} in flight, ` +
        `telemetry exported to the sink (${(sinkStats.bytes / 1024 / 1024).toFixed(0)} MiB of OTLP in ${sinkStats.requests} requests). ` +
        `Results file: [results/soak-${day}.json](results/soak-${day}.json).`,
      '',
      '| figure | value |',
      '| --- | --- |',
      `| calls failed | ${result.failedCalls} |`,
      `| wall time | ${result.wallSec.toFixed(1)} s (${result.callsPerSec.toFixed(0)} calls/s) |`,
      `| CPU per call | ${result.cpuUsPerCall.toFixed(1)} µs |`,
      `| heap after GC, after warm-up | ${mib(result.heapAfterWarmupBytes)} MiB |`,
      `| heap after GC, at the end | ${mib(result.heapAtEndBytes)} MiB (${result.heapGrowthPercent >= 0 ? '+' : ''}${result.heapGrowthPercent.toFixed(1)} %, limit +${HEAP_GROWTH_LIMIT_PERCENT} %: ${heapWithinLimit ? 'within' : '**over**'}) |`,
      `| heap after GC along the run | ${result.heapSamples.map(([, b]) => mib(b)).join(', ')} MiB |`,
      `| event-loop delay p50 / p99 / max | ${result.eventLoopDelayMs.p50.toFixed(1)} / ${result.eventLoopDelayMs.p99.toFixed(1)} / ${result.eventLoopDelayMs.max.toFixed(1)} ms |`,
      `| RSS along the run | ${result.heapSamples.map(([, , rss]) => mib(rss)).join(', ')} MiB |`,
      `| external memory along the run | ${result.heapSamples.map(([, , , ext]) => mib(ext)).join(', ')} MiB |`,
      `| RSS at the end | ${mib(result.rssAtEndBytes)} MiB |`,
    ];
    console.log(`\n${lines.join('\n')}\n`);
    if (result.firstError) console.log(`first error: ${result.firstError}`);
    const dir = official ? join(BENCH_DIR, 'results') : join(BENCH_DIR, '.tmp');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `soak-${day}.json`);
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`soak: wrote ${relative(process.cwd(), file)}`);
    if (official) {
      const readmeFile = join(BENCH_DIR, 'README.md');
      writeFileSync(
        readmeFile,
        replaceBetweenMarkers(readFileSync(readmeFile, 'utf8'), lines.join('\n'), SOAK_START, SOAK_END),
      );
      console.log('soak: updated the soak figures in bench/README.md');
    }
    if (result.failedCalls > 0) process.exitCode = 1;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

main().catch((err: unknown) => {
  console.error(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
