import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type SpanFacts, spansOf } from '../demo/src/otlp-json.mjs';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const BUILT_ENTRIES = [
  'packages/fake-llm/dist/index.mjs',
  'packages/cost/dist/index.mjs',
  'packages/instrumentation-openai/dist/index.mjs',
  'packages/resilience/dist/index.mjs',
  'packages/resilience-redis/dist/index.mjs',
  'packages/node/dist/index.mjs',
  'packages/node/dist/register.mjs',
];

/**
 * The examples run on the built packages (as users get them), not on the TypeScript sources: fails with the
 * command to run when a build is missing.
 */
export function assertPackagesBuilt(): void {
  const missing = BUILT_ENTRIES.filter((entry) => !existsSync(`${ROOT}${entry}`));
  if (missing.length > 0) {
    throw new Error(
      `the examples need the built packages (missing ${missing.join(', ')}): run \`pnpm build\` first`,
    );
  }
}

/** The line an example ends its output with: how to see its telemetry (`pnpm demo` for the demo). */
export function telemetryHint(example: string): string {
  const start = example === 'demo' ? 'pnpm demo' : `pnpm --filter ./examples/${example} start`;
  const exporters =
    example === 'demo'
      ? 'OTEL_TRACES_EXPORTER=otlp,console OTEL_METRICS_EXPORTER=otlp,console'
      : 'OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=console';
  return (
    `telemetry: to print it here (a line per span and per metric), ${exporters} ${start}; to browse it, ` +
    'docker compose up -d and open Jaeger (http://localhost:16686) and Grafana (http://localhost:3000)'
  );
}

/** The last line an example wrote that is its own (not a console telemetry line). */
export function lastOwnLine(stdout: string): string | undefined {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('[aiotel] '))
    .at(-1);
}

/** How a spawned example ended. */
export interface ExampleRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Variables of the parent that would point an example at a real API or another collector. */
const INHERITED_PREFIXES = ['OPENAI_', 'OTEL_', 'AIOTEL_'];

/**
 * Runs an example's `start` script (a `node …` command line) with the current Node, in the example's folder,
 * without the parent's OPENAI_/OTEL_/AIOTEL_ variables, plus `env`. Kills it after `timeoutMs`.
 */
export function runStart(
  example: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ExampleRun> {
  const cwd = `${ROOT}examples/${example}`;
  const manifest = JSON.parse(readFileSync(`${cwd}/package.json`, 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = manifest.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`examples/${example}: start script is not a node command line`);
  const cleanEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_PREFIXES.some((prefix) => name.startsWith(prefix)))
      cleanEnv[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...cleanEnv, ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `examples/${example} did not end within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** An OTLP/HTTP JSON receiver for a test: keeps every trace and metric export. */
export interface OtlpReceiver {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  readonly traceExports: unknown[];
  readonly metricExports: unknown[];
  /** Every span received so far. */
  spans(): SpanFacts[];
  /** The spans with `gen_ai.operation.name`. */
  genAiSpans(): SpanFacts[];
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 with a free port; it answers every export with 200. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const traceExports: unknown[] = [];
  const metricExports: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const payload: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (req.url === '/v1/traces') traceExports.push(payload);
        else if (req.url === '/v1/metrics') metricExports.push(payload);
      } catch {
        // Protobuf or garbage: the tests ask for JSON, so such an export is simply not counted.
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const spans = () => traceExports.flatMap((payload) => spansOf(payload));
  return {
    url: `http://127.0.0.1:${port}`,
    traceExports,
    metricExports,
    spans,
    genAiSpans: () => spans().filter((span) => typeof span.attributes['gen_ai.operation.name'] === 'string'),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
