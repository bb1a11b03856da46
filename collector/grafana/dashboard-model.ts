/**
 * A small builder for the Grafana dashboard JSON model (schemaVersion 39, accepted by Grafana 10 to 12), just
 * the parts the aiotel dashboards use: Prometheus queries, time series, stats, bar gauges, state timelines and
 * query variables. Plain data in, plain JSON out, so the committed files can be regenerated and compared.
 */

/** The provisioned Prometheus datasource (collector/grafana/provisioning/datasources/datasources.yaml). */
export const PROMETHEUS = { type: 'prometheus', uid: 'prometheus' } as const;

/** One PromQL query of a panel. */
export interface Query {
  expr: string;
  /** Grafana legend template, e.g. `{{gen_ai_request_model}}`. Default: Grafana's own (the series labels). */
  legend?: string;
  /** Show exemplars (trace links) for this query. Default false; histograms set it. */
  exemplar?: boolean;
}

/** What every panel must say: the title, what it shows (and what an empty or zero value means), its unit. */
export interface PanelSpec {
  title: string;
  description: string;
  /** A Grafana unit id (`s`, `currencyUSD`, `percentunit`, `reqps`, ...) or `suffix:<text>`. */
  unit: string;
  queries: Query[];
  /** Width in grid columns (of 24). Default 12. */
  width?: number;
  /** Height in grid rows. Default 8 (stats: 4). */
  height?: number;
  /** Grafana relative time override for this panel, e.g. `now/d` for "today so far". */
  timeFrom?: string;
  /** Digits after the decimal point. Default: Grafana's choice. */
  decimals?: number;
  /** Value-to-text mappings, e.g. breaker states. */
  mappings?: ValueMapping[];
}

/** Shows `text` (in `color`) instead of the number `value`. */
export interface ValueMapping {
  value: number;
  text: string;
  color: string;
}

/** The panel kinds the dashboards use. */
export type PanelKind = 'timeseries' | 'stat' | 'bargauge' | 'state-timeline';

/** A panel before layout. */
export interface Panel extends PanelSpec {
  kind: PanelKind;
}

/** A time series panel (the default kind). */
export function timeseries(spec: PanelSpec): Panel {
  return { kind: 'timeseries', ...spec };
}

/** A single number (last value of the query). */
export function stat(spec: PanelSpec): Panel {
  return { kind: 'stat', width: 6, height: 4, ...spec };
}

/** Horizontal bars, one per series (last value), for "share of the total" views. */
export function bargauge(spec: PanelSpec): Panel {
  return { kind: 'bargauge', ...spec };
}

/** Discrete states over time (e.g. circuit breaker closed / open / half-open). */
export function stateTimeline(spec: PanelSpec): Panel {
  return { kind: 'state-timeline', ...spec };
}

/** A dashboard variable filled from `label_values(metric, label)`, multi-select with "All" = `.*`. */
export interface Variable {
  name: string;
  label: string;
  /** `label_values(<metric selector>, <label>)`; may refer to earlier variables. */
  query: string;
}

/** The whole dashboard. */
export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: Variable[];
  /** Rows of panels, laid out left to right, each row below the previous one. */
  rows: Panel[][];
}

// Grafana's JSON model is loosely typed; this is the subset we emit.
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function panelJson(panel: Panel, id: number, x: number, y: number): Json {
  const width = panel.width ?? 12;
  const height = panel.height ?? 8;
  const defaults: { [key: string]: Json } = { unit: panel.unit };
  if (panel.decimals !== undefined) defaults.decimals = panel.decimals;
  if (panel.mappings) {
    defaults.mappings = [
      {
        type: 'value',
        options: Object.fromEntries(
          panel.mappings.map((m, index) => [String(m.value), { text: m.text, color: m.color, index }]),
        ),
      },
    ];
    defaults.color = { mode: 'thresholds' };
    defaults.thresholds = { mode: 'absolute', steps: [{ color: 'green', value: null }] };
  }
  if (panel.kind === 'timeseries') {
    defaults.custom = {
      drawStyle: 'line',
      lineWidth: 1,
      fillOpacity: 10,
      showPoints: 'never',
      spanNulls: true,
    };
  }
  const options: { [key: string]: Json } =
    panel.kind === 'timeseries'
      ? {
          legend: {
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
            calcs: ['mean', 'max', 'lastNotNull'],
          },
          tooltip: { mode: 'multi', sort: 'desc' },
        }
      : panel.kind === 'stat'
        ? {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
            colorMode: 'value',
            graphMode: 'area',
            textMode: 'auto',
          }
        : panel.kind === 'bargauge'
          ? {
              reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
              orientation: 'horizontal',
              displayMode: 'gradient',
            }
          : {
              showValue: 'auto',
              mergeValues: true,
              rowHeight: 0.9,
              legend: { showLegend: true, displayMode: 'list' },
            };
  const json: { [key: string]: Json } = {
    id,
    type: panel.kind,
    title: panel.title,
    description: panel.description,
    datasource: { ...PROMETHEUS },
    gridPos: { h: height, w: width, x, y },
    fieldConfig: { defaults, overrides: [] },
    options,
    targets: panel.queries.map((query, index) => {
      const target: { [key: string]: Json } = {
        refId: String.fromCharCode(65 + index),
        datasource: { ...PROMETHEUS },
        expr: query.expr,
        range: true,
        instant: false,
        exemplar: query.exemplar ?? false,
      };
      if (query.legend !== undefined) target.legendFormat = query.legend;
      return target;
    }),
  };
  if (panel.timeFrom) json.timeFrom = panel.timeFrom;
  return json;
}

function variableJson(variable: Variable): Json {
  return {
    name: variable.name,
    label: variable.label,
    type: 'query',
    datasource: { ...PROMETHEUS },
    definition: variable.query,
    query: { query: variable.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    // 2 = refresh when the time range changes, so new services and models appear.
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
    hide: 0,
    options: [],
  };
}

/** Turns a dashboard spec into Grafana's JSON model (what the provisioning loads from disk). */
export function dashboardJson(spec: DashboardSpec): Json {
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    let x = 0;
    let rowHeight = 0;
    for (const panel of row) {
      const width = panel.width ?? 12;
      if (x + width > 24) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      panels.push(panelJson(panel, id++, x, y));
      x += width;
      rowHeight = Math.max(rowHeight, panel.height ?? 8);
    }
    y += rowHeight;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    editable: true,
    graphTooltip: 1,
    refresh: '10s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    annotations: { list: [] },
    links: [
      {
        title: 'aiotel dashboards',
        type: 'dashboards',
        tags: ['aiotel'],
        asDropdown: false,
        includeVars: true,
        keepTime: true,
      },
    ],
    templating: { list: spec.variables.map(variableJson) },
    panels,
  };
}
