import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ResilienceOptions } from '@aiotel/resilience';

const WORKER = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));
const DIST = ['../../resilience/dist/index.mjs', '../dist/index.mjs'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

export interface CallResult {
  readonly ok: boolean;
  /** The error's class name. */
  readonly error?: string;
  /** An API error's HTTP status. */
  readonly status?: number;
  readonly message?: string;
  /** How long the call took, ms. */
  readonly ms: number;
  /** When it started (epoch ms). */
  readonly at: number;
}

export interface Command {
  readonly calls: number;
  readonly concurrency?: number;
  readonly headers?: Record<string, string>;
  readonly model?: string;
}

/** A worker process: a resilient client on the shared Redis store. */
export interface Worker {
  readonly process: ChildProcess;
  run(command: Command): Promise<CallResult[]>;
  /** What the process wrote to stderr so far (warnings). */
  stderr(): string;
  close(): Promise<void>;
}

export interface WorkerConfig {
  readonly redisPort: number;
  readonly prefix: string;
  readonly baseURL: string;
  /** JSON-serializable resilience options (the store is added by the worker). */
  readonly options: ResilienceOptions;
  /** Run without the store (each process on its own), for the tests that show the store matters. */
  readonly noStore?: boolean;
}

/** Starts a worker and waits until its client is ready. */
export async function startWorker(config: WorkerConfig): Promise<Worker> {
  for (const file of DIST) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` before these tests`);
  }
  const child = spawn(process.execPath, [WORKER], {
    env: { ...process.env, AIOTEL_WORKER: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const pending = new Map<number, (results: CallResult[]) => void>();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as { ready?: true; id?: number; results?: CallResult[] };
    if (message.ready) ready();
    else pending.get(message.id!)?.(message.results!);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([
    isReady,
    exited.then(() => {
      throw new Error(`worker exited before it was ready: ${stderr}`);
    }),
  ]);
  let seq = 0;
  return {
    process: child,
    run(command) {
      const id = ++seq;
      return new Promise<CallResult[]>((resolve, reject) => {
        pending.set(id, resolve);
        exited.then(() => reject(new Error(`worker exited during a run: ${stderr}`)));
        child.stdin!.write(`${JSON.stringify({ id, ...command })}\n`);
      });
    },
    stderr: () => stderr,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.write(`${JSON.stringify({ exit: true })}\n`);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
      child.kill('SIGKILL');
    },
  };
}

/** Starts `n` workers with the same configuration. */
export function startWorkers(n: number, config: WorkerConfig): Promise<Worker[]> {
  return Promise.all(Array.from({ length: n }, () => startWorker(config)));
}
