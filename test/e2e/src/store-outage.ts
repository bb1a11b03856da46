import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runPreloaded } from './preloaded-script.js';

const SCRIPT = fileURLToPath(new URL('./store-outage.mjs', import.meta.url));
/** The service name of this workload's telemetry (the demo's is its own). */
export const STORE_OUTAGE_SERVICE = 'aiotel-store-outage';

/** A loopback port nobody listens on: the shared store's Redis is down for this workload. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Runs `src/store-outage.mjs` under the preload with its telemetry going to `otlpEndpoint`: 10 resilient calls on a
 * shared store whose Redis is down, so the store's error, outage and latency metrics reach the stack (the demo runs
 * without a store). Resolves with the calls that succeeded; rejects if the process fails.
 */
export async function runStoreOutage(otlpEndpoint: string): Promise<number> {
  const result = await runPreloaded<{ ok?: number }>(SCRIPT, {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_SERVICE_NAME: STORE_OUTAGE_SERVICE,
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    REDIS_PORT: String(await deadPort()),
  });
  return result.ok ?? 0;
}
