import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { TelemetryConfig } from './config.js';

/** The app's identity as found in its package.json. */
export interface AppPackage {
  readonly name: string;
  readonly version: string | undefined;
}

/**
 * Finds the app's package.json: the nearest one above the entry script (`process.argv[1]`), or above the working
 * directory when the entry script sits inside node_modules (a CLI such as `next` or `tsx` runs the app).
 */
export function findAppPackage(
  entry: string | undefined = process.argv[1],
  cwd: string = process.cwd(),
): AppPackage | undefined {
  const start = entry && !/[\\/]node_modules[\\/]/.test(entry) ? dirname(resolve(entry)) : cwd;
  for (let dir = start; ; ) {
    const found = readPackage(join(dir, 'package.json'));
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readPackage(path: string): AppPackage | undefined {
  try {
    const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof json !== 'object' || json === null) return undefined;
    const { name, version } = json as { name?: unknown; version?: unknown };
    if (typeof name !== 'string' || name === '') return undefined;
    return { name, version: typeof version === 'string' ? version : undefined };
  } catch {
    return undefined;
  }
}

/**
 * The resource every span and metric carries: SDK defaults (`telemetry.sdk.*`), `service.instance.id` (random per
 * process), `process.pid`, `process.runtime.*` (no command line: it can hold secrets), the app's package.json
 * (`service.name`, `service.version`), then `resourceAttributes` / `OTEL_RESOURCE_ATTRIBUTES`, then
 * `serviceName` / `OTEL_SERVICE_NAME`, each overriding the ones before.
 */
export function createResource(config: TelemetryConfig, appPackage: AppPackage | undefined): Resource {
  const detected: Record<string, string | number> = {
    'service.instance.id': randomUUID(),
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
  };
  if (appPackage) {
    detected['service.name'] = appPackage.name;
    if (appPackage.version) detected['service.version'] = appPackage.version;
  }
  const explicit = { ...config.resourceAttributes };
  if (config.serviceName !== undefined) explicit['service.name'] = config.serviceName;
  return defaultResource().merge(resourceFromAttributes(detected)).merge(resourceFromAttributes(explicit));
}
