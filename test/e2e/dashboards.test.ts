import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateDashboards } from '../../collector/grafana/generate.ts';
import { panelQueries, substituteGrafanaVariables, variableQueries } from './src/grafana-queries.js';
import { SHIPPED } from './src/paths.js';
import { promqlSyntaxError } from './src/promql.js';

/** What Grafana substitutes before it queries, with every variable on "All". */
export const ALL = {
  rangeSeconds: 3600,
  rateInterval: '30s',
  interval: '15s',
  variables: { service: '.*', provider: '.*', server: '.*', model: '.*' },
};

const committed = Object.fromEntries(
  readdirSync(SHIPPED.dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(SHIPPED.dashboardsDir, f), 'utf8'))]),
);

interface PanelJson {
  title: string;
  description?: string;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: unknown[];
}

describe('Grafana dashboards', () => {
  it('committed JSON equals what collector/grafana/generate.ts produces', () => {
    // Regenerate with `pnpm --filter @aiotel/e2e dashboards`.
    expect(committed).toEqual(JSON.parse(JSON.stringify(generateDashboards())));
  });

  it('are the AI cost and the AI latency and reliability dashboards, each with service, provider, server and model variables', () => {
    expect(Object.keys(committed).sort()).toEqual(['ai-cost.json', 'ai-latency-reliability.json']);
    for (const dashboard of Object.values(committed)) {
      expect(variableQueries(dashboard).map((v) => v.variable)).toEqual([
        'service',
        'provider',
        'server',
        'model',
      ]);
    }
  });

  it('give every panel a title, a description, a unit and at least one query', () => {
    for (const [file, dashboard] of Object.entries(committed)) {
      for (const panel of (dashboard as { panels: PanelJson[] }).panels) {
        const where = `${file} / ${panel.title}`;
        expect(panel.description?.length ?? 0, where).toBeGreaterThan(20);
        expect(panel.fieldConfig?.defaults?.unit, where).toBeTruthy();
        expect(panel.targets?.length ?? 0, where).toBeGreaterThan(0);
      }
    }
  });

  it('use only datasources that Grafana provisioning defines, and link exemplars to the Jaeger datasource', () => {
    const provisioning = parse(
      readFileSync(join(SHIPPED.dashboardsDir, '../provisioning/datasources/datasources.yaml'), 'utf8'),
    ) as {
      datasources: {
        uid: string;
        type: string;
        jsonData?: { exemplarTraceIdDestinations?: { datasourceUid: string }[] };
      }[];
    };
    const uids = new Map(provisioning.datasources.map((d) => [d.uid, d.type]));
    const used = JSON.stringify(committed).match(/"datasource":\s*\{[^}]*\}/g) ?? [];
    expect(used.length).toBeGreaterThan(0);
    for (const ref of used) {
      const { type, uid } = JSON.parse(ref.slice(ref.indexOf('{'))) as { type: string; uid: string };
      expect(uids.get(uid), ref).toBe(type);
    }
    const prometheus = provisioning.datasources.find((d) => d.type === 'prometheus');
    const exemplarTarget = prometheus?.jsonData?.exemplarTraceIdDestinations?.[0]?.datasourceUid;
    expect(exemplarTarget && uids.get(exemplarTarget)).toBe('jaeger');
  });

  it('have only queries that parse as PromQL once Grafana variables are substituted', () => {
    const queries = Object.values(committed).flatMap((d) => panelQueries(d));
    expect(queries.length).toBeGreaterThan(30);
    const errors = queries
      .map((q) => ({
        where: `${q.dashboard} / ${q.panel} / ${q.refId}`,
        error: promqlSyntaxError(substituteGrafanaVariables(q.expr, ALL)),
      }))
      .filter((q) => q.error);
    expect(errors).toEqual([]);
  });

  it('cover what the spec asks for: spend by model, provider, service and feature, cache, unpriced calls, projections', () => {
    const cost = panelQueries(committed['ai-cost.json'])
      .map((q) => q.expr)
      .join('\n');
    for (const label of ['gen_ai_request_model', 'gen_ai_provider_name', 'service_name', 'app_feature']) {
      expect(cost).toMatch(new RegExp(`sum by \\(${label}\\) \\(rate\\(aiotel_gen_ai_client_cost_USD_sum`));
    }
    expect(cost).toMatch(/cache_read/);
    expect(cost).toMatch(/aiotel_gen_ai_client_unpriced_calls_total/);
    expect(cost).toMatch(/aiotel_gen_ai_client_usage_unknown_calls_total/);
    expect(cost).toMatch(/\* 86400 \* 30/);
    const reliability = panelQueries(committed['ai-latency-reliability.json'])
      .map((q) => q.expr)
      .join('\n');
    for (const metric of [
      'gen_ai_client_operation_duration_seconds_bucket',
      'gen_ai_client_operation_time_to_first_chunk_seconds_bucket',
      'aiotel_resilience_retries_total',
      'aiotel_resilience_circuit_breaker_state_ratio',
      'aiotel_resilience_bulkhead_in_flight',
      'aiotel_resilience_bulkhead_queued',
      'aiotel_resilience_bulkhead_queue_wait_seconds_bucket',
      'aiotel_resilience_bulkhead_rejections_total',
      'aiotel_resilience_budget_refusals_total',
    ]) {
      expect(reliability).toContain(metric);
    }
  });

  it('show spend per tenant over the time range', () => {
    const cost = panelQueries(committed['ai-cost.json']).map((q) => q.expr);
    expect(
      cost.some((e) => /sum by \(app_tenant\) \(increase\(aiotel_gen_ai_client_cost_USD_sum/.test(e)),
    ).toBe(true);
  });

  it('filter every selector of a metric with a server by the server variable on server_address (the host)', () => {
    // Budget and shared-store metrics are per service: no server label, so they are the only ones left unfiltered.
    const perService = /^aiotel_resilience_(budget|store)_/;
    let filtered = 0;
    for (const [file, dashboard] of Object.entries(committed)) {
      for (const query of panelQueries(dashboard)) {
        for (const [, metric, matchers] of query.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
          if (perService.test(metric!)) continue;
          expect(matchers, `${file} / ${query.panel}: ${metric}`).toContain('server_address=~"$server"');
          filtered++;
        }
      }
    }
    expect(filtered).toBeGreaterThan(30);
  });
});

describe('the PromQL syntax check', () => {
  it('reports a query with an unclosed parenthesis', () => {
    expect(promqlSyntaxError('sum(rate(gen_ai_client_operation_duration_seconds_count[5m])')).toMatch(
      /syntax error/,
    );
  });

  it('reports a Grafana variable that nobody substitutes', () => {
    expect(() => substituteGrafanaVariables('sum(x{model=~"$unknown"})', ALL)).toThrow(
      /unknown Grafana variable/,
    );
  });

  it('accepts the substituted form of a Grafana query', () => {
    const expr = substituteGrafanaVariables(
      'sum(rate(x{service_name=~"$service"}[$__rate_interval])) * $__range_s',
      ALL,
    );
    expect(expr).toBe('sum(rate(x{service_name=~".*"}[30s])) * 3600');
    expect(promqlSyntaxError(expr)).toBeUndefined();
  });
});
