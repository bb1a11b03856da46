import type { Variant } from './variants.ts';

/** Sizes of the three workloads; the same for every variant in a run. */
export interface WorkloadSizes {
  /** Sequential non-streaming chat calls measured (after `warmupCalls`). */
  readonly calls: number;
  readonly warmupCalls: number;
  /** Sequential streaming calls measured, each of `chunks` content chunks. */
  readonly streamCalls: number;
  readonly warmupStreamCalls: number;
  readonly chunks: number;
  /** Calls started at once, through a limit of `concurrency` in flight. */
  readonly concurrentCalls: number;
  readonly concurrency: number;
  readonly warmupConcurrentCalls: number;
}

/** What the orchestrator hands a worker process (JSON in the BENCH_WORKER environment variable). */
export interface WorkerTask {
  readonly variant: Variant;
  readonly round: number;
  /** Base URL of the fake server, ending in /v1. */
  readonly fakeUrl: string;
  /** Base URL of the OTLP sink (the exporters append /v1/traces, /v1/metrics). */
  readonly sinkUrl: string;
  readonly sizes: WorkloadSizes;
  /** Run beside another worker: each window starts and ends with the other's (src/pacing.ts). */
  readonly sideBySide?: boolean;
}

/** One workload's figures in one process. CPU is user + system of the client process. */
export interface WorkloadResult {
  readonly calls: number;
  /** Chunks the caller's loop received (streaming only). */
  readonly chunks: number;
  readonly cpuUs: number;
  /** The part of `cpuUs` spent flushing the variant's telemetry at the end of the workload. */
  readonly flushCpuUs: number;
  readonly wallMs: number;
  readonly cpuUsPerCall: number;
  /** CPU per chunk received (streaming only; NaN otherwise). */
  readonly cpuUsPerChunk: number;
  readonly callsPerSec: number;
  /**
   * Heap used after a full GC at the end of the workload; NaN when none ran there (the streaming window, when the
   * concurrent one follows: src/worker.ts).
   */
  readonly heapAfterGcBytes: number;
  /**
   * `performance.now()` of the process when the window started and ended (flush included), ms: where the window is
   * in a `--trace-gc` log, whose times count from about the same instant (src/worker-window.ts).
   */
  readonly startMs?: number;
  readonly endMs?: number;
}

/** Everything a worker reports back over IPC. */
export interface WorkerResult {
  readonly variant: string;
  readonly round: number;
  readonly nonStreaming: WorkloadResult;
  readonly streaming: WorkloadResult;
  readonly concurrent: WorkloadResult;
  /** Calls made beside another worker after a window, to keep the load even until it measured too (src/pacing.ts). */
  readonly extraCalls?: number;
}

/** Telemetry a setup module started; the worker flushes it inside each measurement. */
export interface Telemetry {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Context given to a variant's `setup()`. */
export interface SetupContext {
  readonly sinkUrl: string;
  readonly serviceName: string;
  /**
   * Delay between span exports and interval between metric exports, ms; default {@link EXPORT_INTERVAL_MS}.
   * The layer tool's `--instructions` sets an hour (src/cachegrind.ts).
   */
  readonly exportIntervalMs?: number;
}

/** Export interval of every hand-assembled SDK in the bench (the preload gets it by environment). */
export const EXPORT_INTERVAL_MS = 5000;
