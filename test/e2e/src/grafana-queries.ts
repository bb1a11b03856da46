/**
 * Reads the PromQL out of Grafana dashboard JSON and replaces Grafana's variables and macros with values
 * Prometheus accepts, the way Grafana does before it sends a query.
 */

/** One query of one panel. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

/** One `label_values(selector, label)` dashboard variable. */
export interface VariableQuery {
  dashboard: string;
  variable: string;
  selector: string;
  label: string;
}

interface DashboardJson {
  title?: string;
  panels?: {
    title?: string;
    targets?: { refId?: string; expr?: string }[];
    panels?: DashboardJson['panels'];
  }[];
  templating?: { list?: { name?: string; type?: string; query?: string | { query?: string } }[] };
}

/** Every panel query (rows' nested panels included); a target without `expr` is reported with expr ''. */
export function panelQueries(dashboard: unknown): PanelQuery[] {
  const json = dashboard as DashboardJson;
  const out: PanelQuery[] = [];
  const walk = (panels: DashboardJson['panels']) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        out.push({
          dashboard: json.title ?? '(untitled)',
          panel: panel.title ?? '(untitled)',
          refId: target.refId ?? '?',
          expr: target.expr ?? '',
        });
      }
      walk(panel.panels);
    }
  };
  walk(json.panels);
  return out;
}

/** Every query variable, which must be of the form `label_values(selector, label)`. */
export function variableQueries(dashboard: unknown): VariableQuery[] {
  const json = dashboard as DashboardJson;
  return (json.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => {
      const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
      const match = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/s.exec(query.trim());
      if (!match) throw new Error(`variable ${v.name}: not label_values(selector, label): ${query}`);
      return {
        dashboard: json.title ?? '(untitled)',
        variable: v.name ?? '?',
        selector: match[1]!,
        label: match[2]!,
      };
    });
}

/** Values for Grafana's macros and the dashboard variables. */
export interface Substitutions {
  /** `$__range` (and `$__range_s`, `$__range_ms`), seconds. */
  rangeSeconds: number;
  /** `$__rate_interval`, a PromQL duration such as `30s`. */
  rateInterval: string;
  /** `$__interval`, a PromQL duration. */
  interval: string;
  /** Dashboard variable → value; "All" is `.*`. */
  variables: Record<string, string>;
}

/**
 * `expr` with Grafana's macros and `$var` / `${var}` / `${var:format}` variables replaced. A variable that is
 * not in `variables` is an error: Grafana would send it unreplaced and Prometheus would reject it.
 */
export function substituteGrafanaVariables(expr: string, values: Substitutions): string {
  const seconds = Math.max(1, Math.round(values.rangeSeconds));
  return expr
    .replaceAll('$__rate_interval', values.rateInterval)
    .replaceAll('$__interval_ms', String(durationMs(values.interval)))
    .replaceAll('$__interval', values.interval)
    .replaceAll('$__range_ms', String(seconds * 1000))
    .replaceAll('$__range_s', String(seconds))
    .replaceAll('$__range', `${seconds}s`)
    .replace(
      /\$\{(\w+)(?::\w+)?\}|\$(\w+)/g,
      (_whole, braced: string | undefined, bare: string | undefined) => {
        const name = (braced ?? bare)!;
        const value = values.variables[name];
        if (value === undefined) throw new Error(`unknown Grafana variable $${name} in: ${expr}`);
        return value;
      },
    );
}

function durationMs(duration: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`not a simple duration: ${duration}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
