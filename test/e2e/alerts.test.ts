import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { installStack, type StackBinaries } from './src/binaries.js';
import { SHIPPED } from './src/paths.js';
import { promqlSyntaxError } from './src/promql.js';

interface RuleFile {
  groups: {
    name: string;
    rules: { alert?: string; record?: string; expr: string; annotations?: object }[];
  }[];
}

const rules = (parse(readFileSync(SHIPPED.alertRules, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);

let binaries: StackBinaries;
beforeAll(async () => {
  binaries = await installStack();
});

function promtool(...args: string[]) {
  const result = spawnSync(binaries.promtool, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', SHIPPED.alertRules);
    expect(output).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
    expect(status, output).toBe(0);
  });

  it('make promtool fail when a rule expression is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiotel-rules-'));
    const broken = join(dir, 'alerts.yml');
    writeFileSync(
      broken,
      'groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: sum(rate(x[5m])\n',
    );
    expect(promtool('check', 'rules', broken).status).not.toBe(0);
  });

  it('parse with the Prometheus Lezer grammar', () => {
    const errors = rules.map((r) => [r.alert, promqlSyntaxError(r.expr)]).filter(([, error]) => error);
    expect(errors).toEqual([]);
  });

  it('cover spend over budget, error ratio by model, open breaker, shared store errors, p95 latency and time to first chunk', () => {
    const byName = new Map(rules.map((r) => [r.alert, r.expr]));
    expect(byName.get('AISpendOverBudget')).toMatch(/aiotel_gen_ai_client_cost_USD_sum/);
    expect(byName.get('AIErrorRatioHigh')).toMatch(/error_type!=""[\s\S]*gen_ai_request_model/);
    expect(byName.get('AICircuitBreakerOpen')).toMatch(/aiotel_resilience_circuit_breaker_state_ratio/);
    expect(byName.get('AILatencyP95High')).toMatch(
      /histogram_quantile\(0\.95[\s\S]*operation_duration_seconds_bucket/,
    );
    expect(byName.get('AITimeToFirstChunkHigh')).toMatch(/time_to_first_chunk_seconds_bucket/);
    expect(byName.get('AIResilienceStoreErrors')).toMatch(/aiotel_resilience_store_errors_total/);
    for (const rule of rules) expect(rule.annotations, rule.alert).toHaveProperty('summary');
  });

  it('are loaded by the shipped Prometheus config (promtool check config)', () => {
    const { status, output } = promtool('check', 'config', SHIPPED.prometheusConfig);
    expect(status, output).toBe(0);
  });
});
