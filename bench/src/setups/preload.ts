import { metrics, trace } from '@opentelemetry/api';
import type { SetupContext, Telemetry } from '../protocol.ts';

interface Flushable {
  forceFlush?: () => Promise<void>;
  shutdown?: () => Promise<void>;
}

/** The SDK's providers behind the API globals that `--import @aiotel/node/register` installed. */
function providers(): Flushable[] {
  const proxy = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const tracerProvider = (proxy.getDelegate?.() ?? proxy) as Flushable;
  const meterProvider = metrics.getMeterProvider() as Flushable;
  return [tracerProvider, meterProvider];
}

/**
 * Variant setup for the full kit: the preload already started everything (sink and interval come by the
 * standard OTEL_* variables); this only finds its providers so the worker can flush inside a measurement.
 */
export async function setup(_ctx: SetupContext): Promise<Telemetry> {
  const found = providers();
  if (!found.some((p) => typeof p.forceFlush === 'function')) {
    throw new Error('no SDK behind the OTel API globals: did --import @aiotel/node/register run?');
  }
  return {
    flush: async () => {
      for (const p of found) await p.forceFlush?.();
    },
    // The preload owns shutdown (it flushes on exit); a flush here is enough.
    shutdown: async () => {
      for (const p of found) await p.forceFlush?.();
    },
  };
}
