import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

const E2E_DIR = join(REPO_ROOT, 'test/e2e');

/** One run of test/e2e/fixtures/spend-job.mjs under the preload. */
export interface JobOptions {
  /** `service.name`: each scenario has its own, so its panels can be filtered to it. */
  service: string;
  otlpEndpoint: string;
  /** The fake OpenAI-compatible server. */
  openaiBaseUrl: string;
  calls: number;
  pauseMs: number;
  /** OTEL_METRIC_EXPORT_INTERVAL; the preload's default (60 s) means a short job exports only as it exits. */
  exportIntervalMs?: number;
  /** Shifts the rotation over models, features and tenants, so jobs of one scenario differ. */
  offset?: number;
  /** Sends SIGTERM once this many calls are done (a restart: the preload flushes, then the process exits). */
  terminateAfterCalls?: number;
  logFile: string;
}

/**
 * Runs the job with `node --import @aiotel/node/register` (the preload, as a user runs it) and resolves when it
 * has exited; rejects if it failed other than by the SIGTERM it was sent.
 */
export async function runJob(options: JobOptions): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OTEL_SERVICE_NAME: options.service,
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
    AIOTEL_METRIC_ATTRIBUTES: 'app.feature,app.tenant',
    OPENAI_BASE_URL: options.openaiBaseUrl,
    JOB_CALLS: String(options.calls),
    JOB_PAUSE_MS: String(options.pauseMs),
    JOB_OFFSET: String(options.offset ?? 0),
  };
  if (options.exportIntervalMs) env.OTEL_METRIC_EXPORT_INTERVAL = String(options.exportIntervalMs);
  else delete env.OTEL_METRIC_EXPORT_INTERVAL;
  delete env.OPENAI_API_KEY;
  const child = spawn(process.execPath, ['--import', '@aiotel/node/register', 'fixtures/spend-job.mjs'], {
    cwd: E2E_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let terminating = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
    const callsDone = output.match(/^call \d+ done$/gm)?.length ?? 0;
    if (
      !terminating &&
      options.terminateAfterCalls !== undefined &&
      callsDone >= options.terminateAfterCalls
    ) {
      terminating = child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(killer);
  appendFileSync(options.logFile, `--- ${options.service} (exit ${code ?? signal})\n${output}`);
  const terminated = options.terminateAfterCalls !== undefined && (signal === 'SIGTERM' || code === 143);
  if (code !== 0 && !terminated) {
    throw new Error(
      `spend-job for ${options.service} exited with ${code ?? signal}:\n${output.slice(-2000)}`,
    );
  }
}
