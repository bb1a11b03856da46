import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';

function fromEnv(value: string | undefined): { exporters: readonly string[]; warnings: readonly string[] } {
  const { config, warnings } = resolveConfig({}, value === undefined ? {} : { OTEL_TRACES_EXPORTER: value });
  return { exporters: config.traces, warnings };
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
    expect(resolveConfig({}, { OTEL_METRICS_EXPORTER: 'console' }).config.metrics).toEqual(['console']);
  });

  it('none turns the signal off, and says so when listed with others', () => {
    expect(fromEnv('none')).toEqual({ exporters: [], warnings: [] });
    expect(fromEnv('none,console')).toEqual({
      exporters: [],
      warnings: [
        'OTEL_TRACES_EXPORTER: "console" is not compatible with none, which turns the signal off; skipping it.',
      ],
    });
  });

  it('leaves out exporters this distribution does not have, one warning each', () => {
    expect(fromEnv('zipkin,console')).toEqual({
      exporters: ['console'],
      warnings: [
        'OTEL_TRACES_EXPORTER: "zipkin" is not otlp, console or none (the exporters @aiotel/node has); skipping it.',
      ],
    });
    expect(fromEnv('jaeger')).toEqual({
      exporters: ['otlp'],
      warnings: [
        'OTEL_TRACES_EXPORTER="jaeger" is not otlp, console or none (the exporters @aiotel/node has); using [otlp].',
      ],
    });
  });

  it('lets the option in code win: true = otlp, false = none, or a list', () => {
    const env = { OTEL_TRACES_EXPORTER: 'console' };
    expect(resolveConfig({ traces: true }, env).config.traces).toEqual(['otlp']);
    expect(resolveConfig({ traces: false }, env).config.traces).toEqual([]);
    expect(resolveConfig({ traces: ['console', 'otlp'] }, env).config.traces).toEqual(['otlp', 'console']);
    expect(resolveConfig({ traces: ['console'] }, { OTEL_TRACES_EXPORTER: 'otlp' }).config.traces).toEqual([
      'console',
    ]);
  });
});
