import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_DIR } from './runtime.ts';

/** The machine a run measured on, written into every results file. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    memoryBytes: totalmem(),
    platform: process.platform,
    arch: process.arch,
    node: process.version,
  };
}

/** The version of `name` as installed under `dir`/node_modules (undefined when it is not there). */
export function installedVersion(dir: string, name: string): string | undefined {
  const file = join(resolve(BENCH_DIR, dir), 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

/** Versions of everything the variants load, keyed `folder: name`. */
export function packageVersions(peers: readonly string[]): Record<string, string> {
  const wanted: Array<[string, string]> = [
    ['.', 'openai'],
    ['.', '@aiotel/instrumentation-openai'],
    ['.', '@aiotel/resilience'],
    ['.', '@aiotel/node'],
    ['.', '@aiotel/fake-llm'],
    ['.', '@opentelemetry/api'],
    ['.', '@opentelemetry/sdk-trace'],
    ['.', '@opentelemetry/sdk-metrics'],
    ['.', '@opentelemetry/exporter-trace-otlp-http'],
    ['.', '@opentelemetry/instrumentation'],
  ];
  const peerPackages: Record<string, string[]> = {
    'otel-contrib': [
      'openai',
      '@opentelemetry/instrumentation-openai',
      '@opentelemetry/instrumentation',
      '@opentelemetry/sdk-trace',
    ],
    traceloop: [
      'openai',
      '@traceloop/instrumentation-openai',
      '@traceloop/instrumentation-anthropic',
      '@anthropic-ai/sdk',
      '@opentelemetry/instrumentation',
      '@opentelemetry/sdk-trace-base',
    ],
    openlit: ['openai', 'openlit', '@opentelemetry/sdk-trace-base'],
  };
  for (const peer of peers) for (const name of peerPackages[peer] ?? []) wanted.push([`peers/${peer}`, name]);
  const versions: Record<string, string> = {};
  for (const [dir, name] of wanted) {
    const version = installedVersion(dir, name);
    if (version) versions[`${dir === '.' ? 'bench' : dir}: ${name}`] = version;
  }
  return versions;
}
