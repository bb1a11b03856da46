import {
  panelQueries,
  type Substitutions,
  substituteGrafanaVariables,
  variableQueries,
} from './grafana-queries.js';
import { promqlSyntaxError } from './promql.js';

/** Why one query of a dashboard is broken. */
export interface QueryProblem {
  /** `dashboard / panel / refId` or `dashboard / $variable`. */
  where: string;
  expr: string;
  problem: string;
}

/** The Prometheus to ask and the time window in which the workload ran. */
export interface CheckWindow {
  prometheusUrl: string;
  /** Unix seconds. */
  start: number;
  end: number;
  /** Resolution of the range queries, seconds. */
  stepSeconds: number;
}

/** Result of checking dashboards: how many queries ran and what was wrong. */
export interface DashboardReport {
  checked: number;
  problems: QueryProblem[];
}

interface PrometheusResponse<T> {
  status: 'success' | 'error';
  data?: T;
  error?: string;
  errorType?: string;
}

type RangeResult = {
  resultType: string;
  result: { metric: Record<string, string>; values: [number, string][] }[];
};

async function prometheusGet<T>(url: string): Promise<PrometheusResponse<T>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const body = (await response.json()) as PrometheusResponse<T>;
  if (!response.ok && body.status !== 'error') return { status: 'error', error: `HTTP ${response.status}` };
  return body;
}

/** The problem with one PromQL expression over the window, or undefined when it returns numbers. */
export async function queryProblem(expr: string, window: CheckWindow): Promise<string | undefined> {
  const syntax = promqlSyntaxError(expr);
  if (syntax) return syntax;
  const params = new URLSearchParams({
    query: expr,
    start: String(window.start),
    end: String(window.end),
    step: String(window.stepSeconds),
  });
  const body = await prometheusGet<RangeResult>(`${window.prometheusUrl}/api/v1/query_range?${params}`);
  if (body.status !== 'success')
    return `Prometheus rejected it: ${body.errorType ?? ''} ${body.error ?? ''}`.trim();
  const series = body.data?.result ?? [];
  const hasNumber = series.some((s) => s.values.some(([, value]) => Number.isFinite(Number(value))));
  if (!hasNumber) {
    return series.length === 0
      ? 'no data: the query returned no series'
      : 'no data: every value is NaN or ±Inf';
  }
  return undefined;
}

/**
 * Checks every panel query and every variable of `dashboard` against a real Prometheus: each parses, and
 * returns at least one number in the window (an empty panel is a broken panel); each variable has values.
 */
export async function checkDashboard(
  dashboard: unknown,
  window: CheckWindow,
  substitutions: Substitutions,
): Promise<DashboardReport> {
  const problems: QueryProblem[] = [];
  let checked = 0;
  for (const query of panelQueries(dashboard)) {
    const where = `${query.dashboard} / ${query.panel} / ${query.refId}`;
    checked++;
    let expr: string;
    try {
      expr = substituteGrafanaVariables(query.expr, substitutions);
    } catch (error) {
      problems.push({ where, expr: query.expr, problem: (error as Error).message });
      continue;
    }
    const problem = await queryProblem(expr, window);
    if (problem) problems.push({ where, expr, problem });
  }
  for (const variable of variableQueries(dashboard)) {
    const where = `${variable.dashboard} / $${variable.variable}`;
    checked++;
    const selector = substituteGrafanaVariables(variable.selector, substitutions);
    const syntax = promqlSyntaxError(selector);
    if (syntax) {
      problems.push({ where, expr: selector, problem: syntax });
      continue;
    }
    const params = new URLSearchParams({
      'match[]': selector,
      start: String(window.start),
      end: String(window.end),
    });
    const body = await prometheusGet<string[]>(
      `${window.prometheusUrl}/api/v1/label/${encodeURIComponent(variable.label)}/values?${params}`,
    );
    if (body.status !== 'success') {
      problems.push({ where, expr: selector, problem: `Prometheus rejected it: ${body.error ?? ''}` });
    } else if ((body.data ?? []).length === 0) {
      problems.push({ where, expr: selector, problem: `no values for label ${variable.label}` });
    }
  }
  return { checked, problems };
}

/** One line per problem, for assertion messages. */
export function formatProblems(problems: QueryProblem[]): string {
  return problems.map((p) => `- ${p.where}: ${p.problem}\n    ${p.expr}`).join('\n');
}
