import { describe, expect, it } from 'vitest';
import { signalExporters } from '../src/exporter-selection.js';

function fromEnv(value: string | undefined): { exporters: readonly string[]; warnings: string[] } {
  const warnings = new Set<string>();
  const exporters = signalExporters('OTEL_TRACES_EXPORTER', undefined, value, warnings);
  return { exporters, warnings: [...warnings] };
}

describe('OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER', () => {
  it('defaults to otlp', () => {
    expect(fromEnv(undefined)).toEqual({ exporters: ['otlp'], warnings: [] });
    expect(fromEnv(' ')).toEqual({ exporters: ['otlp'], warnings: [] });
  });

  it('takes console, and comma lists such as otlp,console, in any case and spacing', () => {
    expect(fromEnv('console')).toEqual({ exporters: ['console'], warnings: [] });
    expect(fromEnv('Console , OTLP')).toEqual({ exporters: ['otlp', 'console'], warnings: [] });
    expect(fromEnv('otlp,otlp')).toEqual({ exporters: ['otlp'], warnings: [] });
  });

  it('none turns the signal off, and says so when listed with others', () => {
    expect(fromEnv('none')).toEqual({ exporters: [], warnings: [] });
    expect(fromEnv('none,console')).toEqual({
      exporters: [],
      warnings: ['OTEL_TRACES_EXPORTER="none,console" lists none with other exporters; exporting nothing.'],
    });
  });

  it('leaves out exporters this distribution does not have, with one warning', () => {
    expect(fromEnv('zipkin,console')).toEqual({
      exporters: ['console'],
      warnings: [
        'OTEL_TRACES_EXPORTER: zipkin not supported by @aiotel/node (otlp, console, none); using console.',
      ],
    });
    expect(fromEnv('jaeger').exporters).toEqual(['otlp']);
  });

  it('lets the option in code win: true = otlp, false = none, or a list', () => {
    const warnings = new Set<string>();
    expect(signalExporters('OTEL_TRACES_EXPORTER', true, 'console', warnings)).toEqual(['otlp']);
    expect(signalExporters('OTEL_TRACES_EXPORTER', false, 'console', warnings)).toEqual([]);
    expect(signalExporters('OTEL_TRACES_EXPORTER', ['console'], 'otlp', warnings)).toEqual(['console']);
    expect(warnings.size).toBe(0);
  });
});
