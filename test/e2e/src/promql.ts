import { parser } from '@prometheus-io/lezer-promql';

/**
 * Where PromQL `expr` stops parsing, as `"<message> at <offset>: <context>"`, or undefined when it parses.
 * Uses Prometheus's own Lezer grammar (what the Prometheus and Grafana editors use). Grafana variables and
 * macros must be substituted first.
 */
export function promqlSyntaxError(expr: string): string | undefined {
  if (expr.trim() === '') return 'empty query';
  let errorAt: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (errorAt === undefined && node.type.isError) errorAt = node.from;
      return errorAt === undefined;
    },
  });
  if (errorAt === undefined) return undefined;
  const context = expr.slice(Math.max(0, errorAt - 20), errorAt + 20);
  return `syntax error at offset ${errorAt}: …${context}…`;
}
