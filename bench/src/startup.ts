/**
 * `pnpm --filter ./bench bench:startup`: what the preload adds to a short-lived process. Each run is a fresh `node`
 * process that loads `openai`, makes one chat call to the fake API and exits (src/startup/app.mjs or app.cjs), under
 * each mode below; the modes run interleaved, one process at a time, `--runs` processes of each per round, over
 * `--rounds` rounds. Per mode, median over every run: wall time from spawn to exit (the parent's clock), CPU of the
 * process, when the app's first line ran (ms since the process started: Node's own start plus the preload), and peak
 * RSS; and each one's difference to the raw mode of the same app, median of the per-round differences.
 *   node src/startup.ts [--rounds N] [--runs N] [--modes a,b] [--json FILE]
 * Telemetry goes to the bench's OTLP sink (src/servers/otlp-sink.ts), so the exit flush is inside the figures. The
 * peers (`contrib6-cjs`, `traceloop6-cjs`) start their bench setups from `--require` (src/startup/peer-register.cjs)
 * on the openai 6 of their folders, beside the preload on the same openai 6 (`preload6-cjs`) and its floor.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServerProcess } from './child.ts';
import { machineInfo } from './machine.ts';
import { ensurePeer } from './peers.ts';
import { BENCH_DIR } from './runtime.ts';
import { median } from './stats.ts';

/** One way to start the app. */
export interface StartupMode {
  readonly id: string;
  readonly description: string;
  readonly app: 'app.mjs' | 'app.cjs';
  readonly nodeArgs: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** The mode this one's differences are taken against (the raw run of the same app). */
  readonly floor: string;
  /** A peer folder under bench/peers/ that must be installed first (src/peers.ts). */
  readonly peer?: string;
}

const IMPORT = ['--import', '@aiotel/node/register'];

export const STARTUP_MODES: readonly StartupMode[] = [
  { id: 'raw', description: 'ESM app, no telemetry', app: 'app.mjs', nodeArgs: [], floor: 'raw' },
  {
    id: 'preload',
    description: 'ESM app, --import @aiotel/node/register (the loader hook in the app thread)',
    app: 'app.mjs',
    nodeArgs: IMPORT,
    floor: 'raw',
  },
  {
    id: 'preload-thread',
    description:
      'the same with AIOTEL_ESM_HOOK_THREAD=true (the loader hook on its own thread, as before 2026-12-04)',
    app: 'app.mjs',
    nodeArgs: IMPORT,
    env: { AIOTEL_ESM_HOOK_THREAD: 'true' },
    floor: 'raw',
  },
  {
    id: 'raw-cjs',
    description: 'CommonJS app, no telemetry',
    app: 'app.cjs',
    nodeArgs: [],
    floor: 'raw-cjs',
  },
  {
    id: 'require-cjs',
    description: 'CommonJS app, --require @aiotel/node/register (no loader hook)',
    app: 'app.cjs',
    nodeArgs: ['--require', '@aiotel/node/register'],
    floor: 'raw-cjs',
  },
  {
    id: 'preload-cjs',
    description: 'CommonJS app, --import @aiotel/node/register (the loader hook in the app thread)',
    app: 'app.cjs',
    nodeArgs: IMPORT,
    floor: 'raw-cjs',
  },
  {
    id: 'preload-cjs-thread',
    description: 'the same with AIOTEL_ESM_HOOK_THREAD=true',
    app: 'app.cjs',
    nodeArgs: IMPORT,
    env: { AIOTEL_ESM_HOOK_THREAD: 'true' },
    floor: 'raw-cjs',
  },
  {
    id: 'raw6-cjs',
    description: "CommonJS app on openai 6 (the peers' folder), no telemetry",
    app: 'app.cjs',
    nodeArgs: [],
    env: { STARTUP_SDK_FROM: 'peers/otel-contrib' },
    floor: 'raw6-cjs',
    peer: 'otel-contrib',
  },
  {
    id: 'preload6-cjs',
    description: 'the same, --require @aiotel/node/register',
    app: 'app.cjs',
    nodeArgs: ['--require', '@aiotel/node/register'],
    env: { STARTUP_SDK_FROM: 'peers/otel-contrib' },
    floor: 'raw6-cjs',
    peer: 'otel-contrib',
  },
  {
    id: 'contrib6-cjs',
    description:
      'the same with @opentelemetry/instrumentation-openai and its SDK (peers/otel-contrib/setup.cjs)',
    app: 'app.cjs',
    nodeArgs: ['--require', './src/startup/peer-register.cjs'],
    env: { STARTUP_SDK_FROM: 'peers/otel-contrib', STARTUP_PEER_SETUP: './peers/otel-contrib/setup.cjs' },
    floor: 'raw6-cjs',
    peer: 'otel-contrib',
  },
  {
    id: 'traceloop6-cjs',
    description: 'the same with OpenLLMetry and its SDK (peers/traceloop/setup.cjs), on its own openai 6',
    app: 'app.cjs',
    nodeArgs: ['--require', './src/startup/peer-register.cjs'],
    env: { STARTUP_SDK_FROM: 'peers/traceloop', STARTUP_PEER_SETUP: './peers/traceloop/setup.cjs' },
    floor: 'raw6-cjs',
    peer: 'traceloop',
  },
];

/** What one process reported, with the wall time the parent measured. */
export interface StartupRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly firstLineMs: number;
  readonly maxRssMiB: number;
}

const FIGURES = ['wallMs', 'cpuMs', 'firstLineMs', 'maxRssMiB'] as const;
type Figure = (typeof FIGURES)[number];

export interface StartupSummary {
  readonly mode: string;
  readonly runs: number;
  /** Median over every run. */
  readonly median: Record<Figure, number>;
  /** Median over the rounds of (this mode's median − its floor's median) in the round; 0 for a floor. */
  readonly overFloor: Record<Figure, number>;
}

/** Per mode: medians over all runs, and the median of the per-round differences to its floor. */
export function summarize(
  modes: readonly StartupMode[],
  rounds: readonly Record<string, readonly StartupRun[]>[],
): StartupSummary[] {
  const figure = (runs: readonly StartupRun[], name: Figure) => median(runs.map((run) => run[name]));
  return modes.map((mode) => {
    const all = rounds.flatMap((round) => round[mode.id] ?? []);
    const entry = (compute: (name: Figure) => number) =>
      Object.fromEntries(FIGURES.map((name) => [name, compute(name)])) as Record<Figure, number>;
    return {
      mode: mode.id,
      runs: all.length,
      median: entry((name) => figure(all, name)),
      overFloor: entry((name) =>
        median(
          rounds.map((round) => figure(round[mode.id] ?? [], name) - figure(round[mode.floor] ?? [], name)),
        ),
      ),
    };
  });
}

/** Starts the app under `mode` and resolves with its report; rejects if it fails or reports nothing. */
function runOnce(mode: StartupMode, env: Record<string, string>): Promise<StartupRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...mode.nodeArgs, join(BENCH_DIR, 'src', 'startup', mode.app)], {
      cwd: BENCH_DIR,
      env: { ...process.env, ...env, ...mode.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (code !== 0 || line === undefined || stderr.includes('[aiotel]')) {
        reject(
          new Error(
            `startup mode ${mode.id}: exit ${code}, stdout ${stdout.trim()}, stderr ${stderr.trim()}`,
          ),
        );
        return;
      }
      resolve({ wallMs, ...(JSON.parse(line) as Omit<StartupRun, 'wallMs'>) });
    });
  });
}

function table(summaries: readonly StartupSummary[]): string {
  const fmt = (value: number, digits = 1) => value.toFixed(digits);
  const signed = (value: number) => (value >= 0 ? '+' : '') + fmt(value);
  const lines = [
    '| mode | runs | wall ms | over raw | CPU ms | over raw | app first line, ms | over raw | peak RSS MiB | over raw |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of summaries) {
    const cells = FIGURES.flatMap((name) => [fmt(s.median[name]), signed(s.overFloor[name])]);
    lines.push(`| \`${s.mode}\` | ${s.runs} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      runs: { type: 'string', default: '4' },
      modes: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  const runs = Number(values.runs);
  const chosen = values.modes?.split(',') ?? STARTUP_MODES.map((mode) => mode.id);
  const modes = STARTUP_MODES.filter((mode) => chosen.includes(mode.id));
  for (const mode of modes) {
    if (!modes.some((other) => other.id === mode.floor))
      throw new Error(`mode ${mode.id} needs its floor ${mode.floor} in --modes`);
  }
  for (const peer of new Set(modes.flatMap((mode) => (mode.peer ? [mode.peer] : [])))) {
    const error = ensurePeer(peer);
    if (error) throw new Error(`${error}; leave its modes out with --modes`);
  }
  const fake = await startServerProcess(join(BENCH_DIR, 'src', 'servers', 'fake-server.ts'));
  const sink = await startServerProcess(join(BENCH_DIR, 'src', 'servers', 'otlp-sink.ts'));
  const env = { FAKE_LLM_URL: fake.url, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
  const started = Date.now();
  try {
    const results: Record<string, StartupRun[]>[] = [];
    for (let round = 0; round < rounds; round++) {
      const byMode: Record<string, StartupRun[]> = Object.fromEntries(modes.map((mode) => [mode.id, []]));
      // The order rotates from round to round, and runs of a mode are spread through the round.
      const order = modes.map((_, i) => modes[(i + round) % modes.length]!);
      for (let run = 0; run < runs; run++) {
        for (const mode of order) byMode[mode.id]?.push(await runOnce(mode, env));
      }
      results.push(byMode);
      process.stderr.write(`round ${round + 1} of ${rounds} done\n`);
    }
    const summaries = summarize(modes, results);
    const machine = machineInfo();
    console.log(
      `Start-up, ${new Date().toISOString()}, ${rounds} rounds × ${runs} processes a mode, ${Math.round((Date.now() - started) / 1000)} s, Node ${process.version}:`,
    );
    console.log(table(summaries));
    if (values.json) {
      writeFileSync(
        values.json,
        `${JSON.stringify({ date: new Date().toISOString(), machine, rounds, runs, modes, summaries, results }, null, 2)}\n`,
      );
    }
  } finally {
    await fake.stop();
    await sink.stop();
  }
}

if (import.meta.main) await main();
