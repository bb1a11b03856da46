/** Where a signal goes: OTLP/HTTP to the collector, or readable lines on stdout (`console`). */
export type SignalExporter = 'otlp' | 'console';

const SUPPORTED: readonly SignalExporter[] = ['otlp', 'console'];

/**
 * The exporters of one signal, from the option in code (`true` = otlp, `false` = none, or a list) or else the
 * environment variable (`OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER`), read as the OpenTelemetry environment
 * specification defines it: a comma list of `otlp` (the default), `console` and `none` (nothing exported). Other
 * exporters (zipkin, prometheus, …) are not part of this distribution: one warning each, and they are left out.
 * Empty = the signal is off.
 */
export function signalExporters(
  name: string,
  option: boolean | readonly SignalExporter[] | undefined,
  variable: string | undefined,
  warnings: Set<string>,
): readonly SignalExporter[] {
  if (option === true) return ['otlp'];
  if (option === false) return [];
  const given = option ?? variable?.split(',').map((item) => item.trim().toLowerCase());
  const names = given?.filter((item) => item !== '') ?? [];
  if (names.length === 0) return ['otlp'];
  if (names.includes('none')) {
    if (names.length > 1) {
      warnings.add(`${name}="${names.join(',')}" lists none with other exporters; exporting nothing.`);
    }
    return [];
  }
  const chosen = SUPPORTED.filter((exporter) => names.includes(exporter));
  const unknown = names.filter((item) => !(SUPPORTED as readonly string[]).includes(item));
  if (unknown.length > 0) {
    const fallback = chosen.length > 0 ? chosen.join(',') : 'otlp';
    warnings.add(
      `${name}: ${unknown.join(', ')} not supported by @aiotel/node (otlp, console, none); using ${fallback}.`,
    );
  }
  return chosen.length > 0 ? chosen : ['otlp'];
}
