import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** The parts of the demo's summary JSON (AIOTEL_DEMO_SUMMARY_FILE) the suite compares with the stack. */
export interface DemoSummary {
  telemetry: { serviceName: string; exporting: boolean; endpoint?: string };
  totals: { calls: number; errors: number; retries: number; breakerOpens: number; costUsd: number };
  models: { model: string; calls: number; retries: number; costUsd: number }[];
}

/** One finished demo run. */
export interface DemoRun {
  summary: DemoSummary;
  /** Unix seconds. */
  startedAt: number;
  endedAt: number;
  logFile: string;
}

/**
 * Runs the demo (`pnpm --filter ./examples/demo start`, the preload included) with its telemetry going to
 * `otlpEndpoint`, and returns its summary. Metrics are exported every second so rates have several points.
 */
export async function runDemo(otlpEndpoint: string, workDir: string, timeoutMs = 180_000): Promise<DemoRun> {
  const demoPackage = join(REPO_ROOT, 'examples/demo/package.json');
  if (!existsSync(demoPackage) || !JSON.parse(readFileSync(demoPackage, 'utf8')).scripts?.start) {
    throw new Error('examples/demo has no start script: the end-to-end suite runs the demo as its workload');
  }
  const summaryFile = join(workDir, 'demo-summary.json');
  const logFile = join(workDir, 'demo.log');
  const log = createWriteStream(logFile);
  const startedAt = Date.now() / 1000;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    AIOTEL_DEMO_SUMMARY_FILE: summaryFile,
    CI: 'true',
  };
  // Always the embedded fake server (with its injected faults), whatever the developer's shell has.
  delete env.OPENAI_API_KEY;
  delete env.OPENAI_BASE_URL;
  const child = spawn('pnpm', ['--filter', './examples/demo', 'start'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown')),
  );
  clearTimeout(timer);
  const endedAt = Date.now() / 1000;
  if (code !== 0) {
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
    throw new Error(`the demo exited with ${code}; end of ${logFile}:\n${tail}`);
  }
  if (!existsSync(summaryFile)) throw new Error(`the demo wrote no summary file (${summaryFile})`);
  return {
    summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as DemoSummary,
    startedAt,
    endedAt,
    logFile,
  };
}
