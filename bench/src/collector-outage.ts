/**
 * Are calls as fast during a collector outage as with a healthy collector (issue 11 point 1)? Spawns, interleaved
 * over rounds, the app `src/outage-app.ts` under `node --import @aiotel/node/register` against `@aiotel/fake-llm`
 * (zero latency, own process) with short export intervals, once per collector mode: healthy (an OTLP receiver that
 * answers 200), refused, accepts and never answers, one byte a second, 503 forever, TLS that never handshakes (the
 * fake collectors of packages/node's failure tests). Prints per mode the median wall and CPU µs per call, their
 * per-round ratios to healthy, and the app's exit time after its last call.
 *   node src/collector-outage.ts [--rounds N] [--calls N] [--out results/outage-<date>.json]
 * Needs `pnpm build` first (the app loads @aiotel/node's dist).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBadCollector } from '../../packages/node/test/harness/bad-collector.ts';
import { startOtlpReceiver } from '../../packages/node/test/harness/otlp-receiver.ts';
import { positiveIntegerOption } from './cli.ts';
import { machineInfo } from './machine.ts';
import {
  type AppReport,
  COLLECTOR_MODES,
  type CollectorMode,
  type OutageRun,
  outageTable,
  summarizeOutage,
} from './outage-summary.ts';
import { BENCH_DIR } from './runtime.ts';

const SHUTDOWN_TIMEOUT_MS = 2000;
const CHUNKS = 20;
const TELEMETRY_ENV = {
  OTEL_METRIC_EXPORT_INTERVAL: '500',
  OTEL_BSP_SCHEDULE_DELAY: '200',
  AIOTEL_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
};

interface Collector {
  readonly url: string;
  connections(): number;
  close(): Promise<void>;
}

async function startCollector(mode: CollectorMode): Promise<Collector> {
  if (mode !== 'healthy') return startBadCollector(mode);
  const receiver = await startOtlpReceiver();
  return { url: receiver.url, connections: () => receiver.requests.length, close: () => receiver.close() };
}

function startFake(): Promise<{ url: string; proc: ChildProcess }> {
  const proc = fork(resolve(BENCH_DIR, 'src/servers/fake-server.ts'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolveUrl, reject) => {
    proc.once('message', (msg: { url: string }) => resolveUrl({ url: msg.url, proc }));
    proc.once('exit', (code) => reject(new Error(`the fake AI server exited ${code}`)));
  });
}

/** One app run: its report, and the time from its last call to its exit. */
function runApp(mode: CollectorMode, collectorUrl: string, fakeUrl: string, calls: number) {
  const child = spawn(process.execPath, ['--import', '@aiotel/node/register', 'src/outage-app.ts'], {
    cwd: BENCH_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      FAKE_LLM_URL: fakeUrl,
      CALLS: String(calls),
      CHUNKS: String(CHUNKS),
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_SERVICE_NAME: `outage-bench-${mode}`,
      ...TELEMETRY_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise<{ report: AppReport; exitMs: number }>((resolveRun, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const exitedAt = Date.now();
      clearTimeout(watchdog);
      const line = stdout.split('\n').find((l) => l.startsWith('{"workloads"'));
      if (!line || code !== 0)
        return reject(
          new Error(`the app against ${mode} ended ${code ?? signal} without its report:\n${stderr}`),
        );
      const report = JSON.parse(line) as AppReport;
      resolveRun({ report, exitMs: exitedAt - report.doneAt });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rounds: { type: 'string' }, calls: { type: 'string' }, out: { type: 'string' } },
  });
  const rounds = positiveIntegerOption(values, 'rounds', 3);
  const calls = positiveIntegerOption(values, 'calls', 200);
  const startedAt = new Date();
  const load: number[][] = [loadavg()];
  const fake = await startFake();
  const runs: OutageRun[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the order, so no mode always runs first or last in a round.
      const order = COLLECTOR_MODES.map((_, i) => COLLECTOR_MODES[(i + round) % COLLECTOR_MODES.length]!);
      for (const mode of order) {
        const collector = await startCollector(mode);
        try {
          const { report, exitMs } = await runApp(mode, collector.url, fake.url, calls);
          runs.push({ mode, round, report, exitMs, connections: collector.connections() });
          console.error(`round ${round + 1}/${rounds} ${mode}: exit ${exitMs} ms after the last call`);
        } finally {
          await collector.close();
        }
      }
      load.push(loadavg());
    }
  } finally {
    fake.proc.disconnect();
  }
  const summaries = summarizeOutage(runs);
  console.log(
    `Collector outage: ${calls} calls per workload x ${rounds} rounds, spans every ${TELEMETRY_ENV.OTEL_BSP_SCHEDULE_DELAY} ms, ` +
      `metrics every ${TELEMETRY_ENV.OTEL_METRIC_EXPORT_INTERVAL} ms, AIOTEL_SHUTDOWN_TIMEOUT_MS ${SHUTDOWN_TIMEOUT_MS}; ` +
      `load average (1 min) per round: ${load.map((l) => l[0]!.toFixed(2)).join(', ')}\n\n${outageTable(summaries)}`,
  );
  if (values.out) {
    const result = {
      startedAt: startedAt.toISOString(),
      machine: machineInfo(),
      settings: { calls, rounds, chunks: CHUNKS, ...TELEMETRY_ENV },
      loadAverage: load,
      summaries,
      runs,
    };
    writeFileSync(resolve(BENCH_DIR, values.out), `${JSON.stringify(result, null, 2)}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(`collector-outage: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
