import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { METRIC } from '../../collector/grafana/selectors.ts';
import { installStack } from './src/binaries.js';
import { panelQueries, substituteGrafanaVariables } from './src/grafana-queries.js';
import { tracesOf } from './src/jaeger.js';
import { runJob } from './src/jobs.js';
import {
  describeRangeSelectors,
  instantQuery,
  keyed,
  lastScrape,
  type Mismatch,
  mismatches,
} from './src/panel-values.js';
import { SHIPPED } from './src/paths.js';
import { type Grouping, genAiSpans, type Totals, totalsBy, totalsOf } from './src/span-totals.js';
import { type RunningStack, startStack } from './src/stack.js';
import { waitFor } from './src/wait.js';

// Do the numbers the dashboards and alerts show equal what the calls cost, for the ways processes really run?
// Each scenario is a service of its own, all four run at the same time against one real stack, and each
// panel's query is evaluated (Grafana's macros substituted for the run's time range) and compared with the
// sums of the scenario's spans in Jaeger.
const TOLERANCE = 0.01;
const SCRAPE_JOB = 'aiotel-collector';

interface Scenario {
  service: string;
  what: string;
  /** Calls the scenario makes: all of them, but for the restart's stopped process. */
  minCalls: number;
  maxCalls: number;
  run(ctx: { otlp: string; openai: string; logFile: string }): Promise<void>;
}

const SCENARIOS: Scenario[] = [
  {
    service: 'totals-one-long-process',
    what: 'one process, 12 s',
    minCalls: 30,
    maxCalls: 30,
    run: ({ otlp, openai, logFile }) =>
      runJob({
        service: 'totals-one-long-process',
        otlpEndpoint: otlp,
        openaiBaseUrl: openai,
        calls: 30,
        pauseMs: 400,
        exportIntervalMs: 2000,
        logFile,
      }),
  },
  {
    service: 'totals-20-short-processes',
    what: '20 processes of about 2 s, one after another, exporting only as they exit',
    minCalls: 80,
    maxCalls: 80,
    async run({ otlp, openai, logFile }) {
      for (let i = 0; i < 20; i++) {
        await runJob({
          service: 'totals-20-short-processes',
          otlpEndpoint: otlp,
          openaiBaseUrl: openai,
          calls: 4,
          pauseMs: 400,
          offset: i,
          logFile,
        });
      }
    },
  },
  {
    service: 'totals-processes-at-once',
    what: '4 processes at the same time',
    minCalls: 32,
    maxCalls: 32,
    run: async ({ otlp, openai, logFile }) => {
      await Promise.all(
        [0, 1, 2, 3].map((offset) =>
          runJob({
            service: 'totals-processes-at-once',
            otlpEndpoint: otlp,
            openaiBaseUrl: openai,
            calls: 8,
            pauseMs: 300,
            exportIntervalMs: 1000,
            offset,
            logFile,
          }),
        ),
      );
    },
  },
  {
    service: 'totals-restart',
    what: 'a process stopped (SIGTERM) in the middle of its work and started again',
    // 4 to 29 calls of the stopped process, then 6.
    minCalls: 10,
    maxCalls: 35,
    async run({ otlp, openai, logFile }) {
      const job = { service: 'totals-restart', otlpEndpoint: otlp, openaiBaseUrl: openai, logFile };
      await runJob({ ...job, calls: 30, pauseMs: 300, exportIntervalMs: 5000, terminateAfterCalls: 4 });
      await runJob({ ...job, calls: 6, pauseMs: 300, exportIntervalMs: 5000, offset: 1 });
    },
  },
];

/** What a panel or alert shows, as a function of the scenario's span totals over `rangeSeconds`. */
type Expected =
  | {
      /** The label the query groups by; undefined for one number. */
      by?: Grouping | 'service_name';
      truth(totals: Totals, rangeSeconds: number): number;
    }
  | {
      /** One series per token type, from that type's token count. */
      by: 'gen_ai_token_type';
      tokens(count: number, rangeSeconds: number): number;
    };

const perHour = (usd: number, range: number) => (usd / range) * 3600;

/** Every panel of the cost dashboard that shows a cost, token or call total or rate, and what it must show. */
const COST_PANELS: Record<string, Expected> = {
  'Spend today': { truth: (t) => t.costUsd },
  'Projected spend per day': { truth: (t) => (t.costUsd / 3600) * 86400 },
  'Projected spend per month': { truth: (t) => (t.costUsd / 3600) * 86400 * 30 },
  'Unpriced calls': { truth: (t) => t.unpricedCalls },
  'Spend rate by model': { by: 'gen_ai_request_model', truth: (t, r) => perHour(t.costUsd, r) },
  'Spend rate by provider': { by: 'gen_ai_provider_name', truth: (t, r) => perHour(t.costUsd, r) },
  'Spend rate by service': { by: 'service_name', truth: (t, r) => perHour(t.costUsd, r) },
  'Spend rate by feature': { by: 'app_feature', truth: (t, r) => perHour(t.costUsd, r) },
  'Spend by feature in the time range': { by: 'app_feature', truth: (t) => t.costUsd },
  'Spend by tenant in the time range': { by: 'app_tenant', truth: (t) => t.costUsd },
  'Tokens per second by type': { by: 'gen_ai_token_type', tokens: (n, r) => n / r },
  'Priced calls per second by model': { by: 'gen_ai_request_model', truth: (t, r) => t.pricedCalls / r },
};

/** Cost dashboard panels that show ratios or percentiles, not sums: checked for data in stack.test.ts only. */
const NOT_TOTALS = [
  'Cost per call (p50 / p95)',
  'Prompt cache hit ratio',
  'Tokens per call (p95)',
  'Calls without usage',
  'Share of calls without usage by model',
];

/** The call-count panels of the latency and reliability dashboard. */
const CALL_PANELS: Record<string, Expected> = {
  'Calls per second': { truth: (t, r) => t.calls / r },
  'Throughput by model': { by: 'gen_ai_request_model', truth: (t, r) => t.calls / r },
};

/** The alerts on spend and call counts, by their signal (the expression without its threshold). */
const ALERTS: Record<string, Expected> = {
  AISpendOverBudget: { truth: (t) => (t.costUsd / 3600) * 86400 },
  AIUnpricedCalls: { by: 'gen_ai_request_model', truth: (t) => t.unpricedCalls },
};

const workDir = mkdtempSync(join(tmpdir(), 'aiotel-e2e-totals-'));
let stack: RunningStack | undefined;
let fake: FakeLlm | undefined;
let windowStart = 0;
/** When every query is evaluated: the last scrape after the runs (see lastScrape()). */
let at = 0;
const spans = new Map<string, ReturnType<typeof genAiSpans>>();

beforeAll(async () => {
  const binaries = await installStack();
  stack = await startStack(binaries, workDir);
  fake = await startFakeLlm({ latency: false });
  // Before the 0 of every series: the collector dates a series' start 10 s before its first point
  // (collector/otelcol-config.yaml, transform/fleet), and a range that began after that 0 would extrapolate.
  windowStart = Math.floor(Date.now() / 1000) - 15;
  const started = Date.now();
  const ctx = { otlp: stack.otlpHttpUrl, openai: fake.url, logFile: join(workDir, 'jobs.log') };
  // All settled before a failure is reported, so no job outlives the stack.
  const runs = await Promise.allSettled(SCENARIOS.map((s) => s.run(ctx)));
  for (const run of runs) if (run.status === 'rejected') throw run.reason;
  console.error(
    `e2e totals: ${SCENARIOS.length} scenarios ran in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  // The truth: every GenAI span of each scenario, once Jaeger has them all (at least minCalls, and the count
  // stops growing).
  for (const { service, minCalls } of SCENARIOS) {
    let previous = -1;
    const calls = await waitFor(
      `the spans of ${service} in Jaeger`,
      async () => {
        const found = genAiSpans((await tracesOf(stack!.jaegerUrl, service)).flatMap((t) => t.spans));
        const settled = found.length >= minCalls && found.length === previous;
        previous = found.length;
        return settled ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_500 },
    );
    spans.set(service, calls);
  }
  // The metrics: wait until Prometheus has scraped each scenario's final exports (the raw call count equals the
  // spans'), then one scrape more; a timeout is left to the assertions, which print the numbers.
  await waitFor(
    'Prometheus to scrape the final exports',
    async () => {
      for (const { service } of SCENARIOS) {
        const [count] = await instantQuery(
          stack!.prometheusUrl,
          `sum(${METRIC.duration}_count{service_name="${service}"})`,
          Date.now() / 1000,
        );
        if (count?.value !== spans.get(service)!.length) return undefined;
      }
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 1_000 },
  ).catch(() => undefined);
  const settledAt = await lastScrape(stack.prometheusUrl, SCRAPE_JOB);
  at = await waitFor('one more scrape', async () => {
    const t = await lastScrape(stack!.prometheusUrl, SCRAPE_JOB);
    return t > settledAt ? t : undefined;
  });
});

afterAll(async () => {
  await fake?.close();
  await stack?.stop();
});

function rangeSeconds(): number {
  return Math.round(at - windowStart);
}

function dashboard(file: string): unknown {
  return JSON.parse(readFileSync(join(SHIPPED.dashboardsDir, file), 'utf8'));
}

/** `^name$` for a Grafana regex variable. */
function exactly(value: string): string {
  return `^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** The truth an Expected describes, keyed like the query's result. */
function truthFor(expected: Expected, service: string): Map<string, number> {
  const calls = spans.get(service) ?? [];
  const range = rangeSeconds();
  if (expected.by === 'gen_ai_token_type') {
    return new Map(
      Object.entries(totalsOf(calls).tokens).map(([type, n]) => [type, expected.tokens(n, range)]),
    );
  }
  if (expected.by === undefined) return new Map([['', expected.truth(totalsOf(calls), range)]]);
  if (expected.by === 'service_name') return new Map([[service, expected.truth(totalsOf(calls), range)]]);
  return new Map([...totalsBy(calls, expected.by)].map(([key, t]) => [key, expected.truth(t, range)]));
}

/** Evaluates every panel of `file` named in `expectations` for `service`; returns the lines that are off. */
async function checkPanels(file: string, expectations: Record<string, Expected>, service: string) {
  const range = rangeSeconds();
  const problems: string[] = [];
  const report: string[] = [];
  const queries = panelQueries(dashboard(file)).filter((q) => expectations[q.panel]);
  const present = new Set(queries.map((q) => q.panel));
  for (const title of Object.keys(expectations)) {
    if (!present.has(title)) problems.push(`${title}: no such panel in ${file}`);
  }
  for (const query of queries) {
    const expected = expectations[query.panel]!;
    const expr = substituteGrafanaVariables(query.expr, {
      // A rate panel over a window that holds the whole run: its value is the run's total over the window.
      rangeSeconds: range,
      rateInterval: `${range}s`,
      interval: '5s',
      variables: { service: exactly(service), provider: '.*', server: '.*', model: '.*' },
    });
    const shown = keyed(await instantQuery(stack!.prometheusUrl, expr, at), expected.by);
    const off = mismatches(shown, truthFor(expected, service), TOLERANCE);
    report.push(describeRow(query.panel, shown, truthFor(expected, service)));
    if (off.length > 0) {
      const stored = await describeRangeSelectors(stack!.prometheusUrl, expr, at, windowStart);
      problems.push(`${query.panel}: ${formatMismatches(off)}\n    ${expr}\n${stored}`);
    }
  }
  console.error(`e2e totals: ${service} (${file}), panel vs spans:\n${report.join('\n')}`);
  return problems;
}

function describeRow(name: string, shown: Map<string, number>, truth: Map<string, number>): string {
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const s = sum(shown);
  const t = sum(truth);
  const off = t === 0 ? '' : ` (${(((s - t) / t) * 100).toFixed(1)} %)`;
  return `  ${name}: shows ${s.toPrecision(6)}, spans ${t.toPrecision(6)}${off}`;
}

function formatMismatches(off: Mismatch[]): string {
  return off.map((m) => `${m.key || 'total'} shows ${m.shown} where the spans say ${m.truth}`).join('; ');
}

describe.each(SCENARIOS)('$what ($service)', ({ service, minCalls, maxCalls }) => {
  it('ran calls, some priced and some not, and Jaeger has their spans', () => {
    const totals = totalsOf(spans.get(service) ?? []);
    expect(totals.calls).toBeGreaterThanOrEqual(minCalls);
    expect(totals.calls).toBeLessThanOrEqual(maxCalls);
    expect(totals.pricedCalls).toBeGreaterThan(3);
    expect(totals.unpricedCalls).toBeGreaterThan(0);
    expect(totals.costUsd).toBeGreaterThan(0);
  });

  it('every cost, token and call-count panel of the cost dashboard equals the spans within 1 %', async () => {
    const titles = panelQueries(dashboard('ai-cost.json')).map((q) => q.panel);
    expect(titles.filter((t) => !COST_PANELS[t] && !NOT_TOTALS.includes(t))).toEqual([]);
    const problems = await checkPanels('ai-cost.json', COST_PANELS, service);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('the call-count panels of the latency and reliability dashboard equal the spans within 1 %', async () => {
    const problems = await checkPanels('ai-latency-reliability.json', CALL_PANELS, service);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('the spend and unpriced-call alerts see the spend and unpriced calls of the spans within 1 %', async () => {
    const rules = (
      parseYaml(readFileSync(SHIPPED.alertRules, 'utf8')) as {
        groups: { rules: { alert: string; expr: string }[] }[];
      }
    ).groups.flatMap((g) => g.rules);
    const problems: string[] = [];
    for (const [alert, expected] of Object.entries(ALERTS)) {
      const rule = rules.find((r) => r.alert === alert);
      expect(rule, alert).toBeDefined();
      const signal = rule!.expr.trim().replace(/\s*>\s*[\d.]+$/, '');
      const ofService = (await instantQuery(stack!.prometheusUrl, signal, at)).filter(
        (s) => s.metric.service_name === service,
      );
      const shown = keyed(ofService, expected.by);
      const off = mismatches(shown, truthFor(expected, service), TOLERANCE);
      console.error(
        `e2e totals: ${service}, alert ${describeRow(alert, shown, truthFor(expected, service))}`,
      );
      if (off.length > 0) problems.push(`${alert}: ${formatMismatches(off)}\n    ${signal}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('Prometheus holds one series per label set, not one per process', async () => {
    const [processes] = await instantQuery(
      stack!.prometheusUrl,
      `count(count by (instance, service_instance_id) (${METRIC.cost}_count{service_name="${service}"}))`,
      at,
    );
    expect(processes?.value).toBe(1);
  });
});
