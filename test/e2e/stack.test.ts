import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { METRIC } from '../../collector/grafana/selectors.ts';
import { installStack, type StackBinaries } from './src/binaries.js';
import { type CheckWindow, checkDashboard, formatProblems, queryProblem } from './src/dashboard-check.js';
import { type DemoRun, runDemo } from './src/demo.js';
import { events, type JaegerSpan, parentId, tag, tracesOf } from './src/jaeger.js';
import { JSON_SPANS_SERVICE, runJsonSpans } from './src/json-spans.js';
import { SHIPPED } from './src/paths.js';
import { type RunningStack, startStack } from './src/stack.js';
import { runStoreOutage } from './src/store-outage.js';
import { getJson, waitFor } from './src/wait.js';

// The real stack on loopback, fed by the real demo through the preload: nothing in the telemetry path is mocked.
const workDir = mkdtempSync(join(tmpdir(), 'aiotel-e2e-'));
let binaries: StackBinaries;
let stack: RunningStack | undefined;
let demo: DemoRun;

beforeAll(async () => {
  binaries = await installStack();
  stack = await startStack(binaries, workDir);
  // First, so that its series are scraped many times while the demo runs (increase() needs two samples).
  const storeOutageCalls = await runStoreOutage(stack.otlpHttpUrl);
  console.error(
    `e2e: stack up (logs in ${workDir}); store-outage workload: ${storeOutageCalls} calls; running the demo`,
  );
  demo = await runDemo(stack.otlpHttpUrl, workDir);
  console.error(
    `e2e: demo done in ${(demo.endedAt - demo.startedAt).toFixed(1)} s: ${demo.summary.totals.calls} calls, ` +
      `${demo.summary.totals.retries} retries, $${demo.summary.totals.costUsd.toFixed(6)}`,
  );
  // The demo's last metric export reaches Prometheus at its next scrape (every 5 s): wait for it, so every
  // test below sees the whole run. A timeout fails the suite here, with what was awaited: the tests below would
  // only fail later, less clearly, on a partial run.
  await waitFor(
    `Prometheus to scrape the final export (total cost ${demo.summary.totals.costUsd})`,
    async (signal) => {
      const value = await promInstant(totalCostQuery(), signal);
      return value !== undefined && Math.abs(value - demo.summary.totals.costUsd) <= 1e-9 ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 1_000 },
  );
  // A series first exported at the demo's exit has one sample until the next scrape, and rate()/increase() need
  // two: wait until every series of the run has been scraped at least twice.
  // (count_over_time() over several metric names is refused by Prometheus: the names dropped, series collide. The
  // raw samples of a range selector keep them, one sample per scrape.)
  await waitFor(
    'every series of the demo to be scraped twice',
    async (signal) => {
      const series = await promQuery<{ values: unknown[] }[]>(
        `{__name__=~"(aiotel|gen_ai)_.+", service_name="${demo.summary.telemetry.serviceName}"}[10m]`,
        signal,
      );
      return series.length > 0 && series.every((s) => s.values.length >= 2) ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 1_000 },
  );
});

afterAll(async () => {
  await stack?.stop();
});

function totalCostQuery(): string {
  return `sum(${METRIC.cost}_sum{service_name="${demo.summary.telemetry.serviceName}"})`;
}

/** The result of a Prometheus query; a query Prometheus refuses throws its error, rather than reading as no data. */
async function promQuery<T>(expr: string, signal?: AbortSignal): Promise<T> {
  const url = `${stack!.prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`;
  const response = await fetch(url, {
    signal: AbortSignal.any([AbortSignal.timeout(5_000), ...(signal ? [signal] : [])]),
  });
  const body = (await response.json()) as { status: string; error?: string; data: { result: T } };
  if (body.status !== 'success')
    throw new Error(`Prometheus refused ${expr}: ${response.status} ${body.error}`);
  return body.data.result;
}

async function promInstant(expr: string, signal?: AbortSignal): Promise<number | undefined> {
  const result = await promQuery<{ value: [number, string] }[]>(expr, signal);
  const value = result[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

/** The window the dashboards are checked over: from just before the demo to now. */
function window(): CheckWindow {
  return {
    prometheusUrl: stack!.prometheusUrl,
    start: Math.floor(demo.startedAt) - 10,
    end: Math.ceil(Date.now() / 1000),
    stepSeconds: 2,
  };
}

function substitutions(w: CheckWindow) {
  // What Grafana would use for this window with the datasource's 5 s scrape interval.
  return {
    rangeSeconds: w.end - w.start,
    rateInterval: '20s',
    interval: '5s',
    variables: { service: '.*', provider: '.*', server: '.*', model: '.*' },
  };
}

let spansOfDemo: Promise<{ calls: JaegerSpan[]; httpChildren: Map<string, JaegerSpan[]> }> | undefined;

/** The demo's spans from Jaeger (once): its GenAI spans, and the HTTP client spans under each, by parent id. */
function demoSpans() {
  spansOfDemo ??= (async () => {
    const service = demo.summary.telemetry.serviceName;
    const genAi = (spans: JaegerSpan[]) => spans.filter((s) => tag(s, 'gen_ai.operation.name') !== undefined);
    // Jaeger stores what the collector batches (1 s): wait until every GenAI span of the summary is there.
    const spans = await waitFor(
      `${demo.summary.totals.calls} GenAI spans of ${service} in Jaeger`,
      async () => {
        const all = (await tracesOf(stack!.jaegerUrl, service)).flatMap((t) => t.spans);
        return genAi(all).length >= demo.summary.totals.calls ? all : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const httpChildren = new Map<string, JaegerSpan[]>();
    for (const span of spans) {
      const parent = parentId(span);
      if (parent && tag(span, 'http.request.method') !== undefined) {
        httpChildren.set(parent, [...(httpChildren.get(parent) ?? []), span]);
      }
    }
    return { calls: genAi(spans), httpChildren };
  })();
  return spansOfDemo;
}

describe('the stack fed by the demo', () => {
  it('the demo ran against the stack and exported its telemetry', () => {
    expect(demo.summary.telemetry.exporting).toBe(true);
    expect(demo.summary.totals.calls).toBeGreaterThan(10);
    expect(demo.summary.totals.costUsd).toBeGreaterThan(0);
    expect(demo.summary.totals.retries).toBeGreaterThan(0);
  });

  it('Jaeger returns every GenAI span of the demo, with tokens and cost', async () => {
    const { calls } = await demoSpans();
    expect(calls.length).toBe(demo.summary.totals.calls);
    const withUsage = calls.filter((s) => typeof tag(s, 'gen_ai.usage.input_tokens') === 'number');
    expect(withUsage.length).toBeGreaterThan(calls.length / 2);
    for (const span of withUsage) {
      expect(tag(span, 'gen_ai.usage.output_tokens'), span.operationName).toBeTypeOf('number');
    }
    const priced = calls.filter((s) => Number(tag(s, 'gen_ai.usage.cost.amount')) > 0);
    expect(priced.length).toBeGreaterThan(0);
    for (const span of priced) {
      expect(tag(span, 'gen_ai.usage.cost.currency')).toBe('USD');
      expect(['local', 'provider']).toContain(tag(span, 'gen_ai.usage.cost.source'));
    }
    const spanCost = priced.reduce((sum, s) => sum + Number(tag(s, 'gen_ai.usage.cost.amount')), 0);
    expect(spanCost).toBeCloseTo(demo.summary.totals.costUsd, 9);
  });

  it('each call that reached the API has its undici HTTP attempts as child spans, inside the call', async () => {
    const { calls, httpChildren } = await demoSpans();
    // A call that got usage back reached the API, so it has at least one attempt of its own.
    const withUsage = calls.filter((s) => typeof tag(s, 'gen_ai.usage.input_tokens') === 'number');
    const withoutAttempt = withUsage.filter((s) => (httpChildren.get(s.spanID) ?? []).length === 0);
    expect(withoutAttempt.length, 'GenAI spans with usage but no HTTP attempt below them').toBe(0);
    const outsideParent = calls.flatMap((call) =>
      (httpChildren.get(call.spanID) ?? [])
        .filter(
          (attempt) =>
            attempt.startTime < call.startTime || attempt.startTime > call.startTime + call.duration,
        )
        .map((attempt) => `${call.operationName} ${call.spanID} ← ${attempt.spanID}`),
    );
    expect(outsideParent, 'HTTP attempts that started outside their parent GenAI span').toEqual([]);
  });

  it('retried calls carry one aiotel.retry event per retry and several HTTP attempts', async () => {
    const { calls, httpChildren } = await demoSpans();
    const retried = calls.filter((s) => events(s, 'aiotel.retry').length > 0);
    const retryEvents = retried.reduce((n, s) => n + events(s, 'aiotel.retry').length, 0);
    expect(retryEvents).toBe(demo.summary.totals.retries);
    for (const span of retried) {
      const fields = events(span, 'aiotel.retry')[0]!.fields.map((f) => f.key);
      expect(fields).toEqual(
        expect.arrayContaining(['aiotel.retry.attempt', 'aiotel.retry.reason', 'aiotel.retry.delay_ms']),
      );
    }
    expect(retried.some((s) => (httpChildren.get(s.spanID) ?? []).length >= 2)).toBe(true);
  });

  it("the total cost in Prometheus equals the demo summary's total", async () => {
    const actual = await promInstant(totalCostQuery());
    expect(actual).toBeCloseTo(demo.summary.totals.costUsd, 9);
  });

  it("the cost per model in Prometheus equals the demo summary's", async () => {
    const service = demo.summary.telemetry.serviceName;
    const body = await getJson<{
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    }>(
      `${stack!.prometheusUrl}/api/v1/query?${new URLSearchParams({
        query: `sum by (gen_ai_request_model) (${METRIC.cost}_sum{service_name="${service}"})`,
      })}`,
    );
    const prometheus = Object.fromEntries(
      (body?.data.result ?? []).map((r) => [r.metric.gen_ai_request_model, Number(r.value[1])]),
    );
    const priced = demo.summary.models.filter((m) => m.costUsd > 0);
    expect(priced.length).toBeGreaterThan(1);
    for (const model of priced) expect(prometheus[model.model], model.model).toBeCloseTo(model.costUsd, 9);
  });

  it('Jaeger has the native Anthropic SDK spans: cache writes and reads priced, an early overload retried', async () => {
    const { calls } = await demoSpans();
    const native = calls.filter((s) => tag(s, 'otel.scope.name') === '@aiotel/instrumentation-anthropic');
    expect(native.length).toBeGreaterThan(0);
    for (const span of native) {
      expect(span.operationName).toMatch(/^chat claude-/);
      expect(tag(span, 'gen_ai.provider.name')).toBe('anthropic');
    }
    const answered = native.filter((s) => typeof tag(s, 'gen_ai.usage.input_tokens') === 'number');
    expect(answered.some((s) => Number(tag(s, 'gen_ai.usage.cache_creation.input_tokens')) > 0)).toBe(true);
    expect(answered.some((s) => Number(tag(s, 'gen_ai.usage.cache_read.input_tokens')) > 0)).toBe(true);
    for (const span of answered) expect(Number(tag(span, 'gen_ai.usage.cost.amount'))).toBeGreaterThan(0);
    const reasons = native.flatMap((s) =>
      events(s, 'aiotel.retry').flatMap((e) =>
        e.fields.filter((f) => f.key === 'aiotel.retry.reason').map((f) => f.value),
      ),
    );
    expect(reasons).toEqual(expect.arrayContaining(['529', 'overloaded_error']));
  });

  it("Prometheus holds the native Anthropic calls' cost, equal to their spans' cost", async () => {
    const { calls } = await demoSpans();
    const spanCost = calls
      .filter((s) => tag(s, 'otel.scope.name') === '@aiotel/instrumentation-anthropic')
      .reduce((sum, s) => sum + Number(tag(s, 'gen_ai.usage.cost.amount') ?? 0), 0);
    expect(spanCost).toBeGreaterThan(0);
    const service = demo.summary.telemetry.serviceName;
    const cost = await promInstant(
      `sum(${METRIC.cost}_sum{service_name="${service}",otel_scope_name="@aiotel/instrumentation-anthropic"})`,
    );
    expect(cost).toBeCloseTo(spanCost, 9);
  });

  it('a latency point links to its trace: duration exemplars carry trace ids that Jaeger has', async () => {
    const w = window();
    const params = new URLSearchParams({
      query: `${METRIC.spanDuration}_bucket{service_name="${demo.summary.telemetry.serviceName}"}`,
      start: String(w.start),
      end: String(w.end),
    });
    const body = await getJson<{ data: { exemplars: { labels: Record<string, string> }[] }[] }>(
      `${stack!.prometheusUrl}/api/v1/query_exemplars?${params}`,
    );
    const traceIds = [
      ...new Set((body?.data ?? []).flatMap((s) => s.exemplars.map((e) => e.labels.trace_id))),
    ];
    expect(traceIds.length).toBeGreaterThan(0);
    for (const traceId of traceIds.slice(0, 5)) {
      const trace = await getJson<{ data: { spans: JaegerSpan[] }[] }>(
        `${stack!.jaegerUrl}/api/traces/${traceId}`,
      );
      const spans = trace?.data[0]?.spans ?? [];
      expect(
        spans.some((s) => tag(s, 'gen_ai.operation.name') !== undefined),
        traceId,
      ).toBe(true);
    }
  });

  it('every dashboard panel query and variable returns data after the demo run', async () => {
    const w = window();
    const files = readdirSync(SHIPPED.dashboardsDir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(2);
    let checked = 0;
    const problems = [];
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(SHIPPED.dashboardsDir, file), 'utf8'));
      const report = await checkDashboard(dashboard, w, substitutions(w));
      checked += report.checked;
      problems.push(...report.problems);
    }
    console.error(`e2e: ${checked} dashboard queries checked against Prometheus`);
    expect(checked).toBeGreaterThan(30);
    expect(problems, formatProblems(problems)).toEqual([]);
  });

  it('Prometheus loaded the shipped alert rules and evaluates them without error', async () => {
    const body = await waitFor(
      'a first evaluation of every alert rule',
      async (signal) => {
        const rules = await getJson<{
          data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
        }>(`${stack!.prometheusUrl}/api/v1/rules`, signal);
        const all = rules?.data.groups.flatMap((g) => g.rules) ?? [];
        return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 1_000 },
    );
    expect(body.length).toBe(9);
    expect(body.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  });

  it("every alert rule's expression, without its threshold, selects data from the demo's metrics", async () => {
    // An alert on a metric name that does not exist never fires: this catches a rename.
    const rules = (
      parseYaml(readFileSync(SHIPPED.alertRules, 'utf8')) as {
        groups: { rules: { alert: string; expr: string }[] }[];
      }
    ).groups.flatMap((g) => g.rules);
    const w = window();
    const problems: string[] = [];
    for (const rule of rules) {
      const signal = rule.expr.trim().replace(/\s*(>|<|==|>=|<=)\s*[\d.]+$/, '');
      expect(signal, rule.alert).not.toBe(rule.expr.trim());
      const problem = await queryProblem(signal, w);
      if (problem) problems.push(`${rule.alert}: ${problem}\n    ${signal}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('the dashboard checker reports a panel with bad PromQL and a panel on a metric that does not exist', async () => {
    const w = window();
    const target = (expr: string) => ({ refId: 'A', expr });
    const dashboard = {
      title: 'broken on purpose',
      panels: [
        { title: 'good', targets: [target(`sum(rate(${METRIC.duration}_count[$__rate_interval]))`)] },
        { title: 'bad PromQL', targets: [target(`sum(rate(${METRIC.duration}_count[$__rate_interval])`)] },
        {
          title: 'no such metric',
          targets: [target('sum(rate(aiotel_no_such_metric_total[$__rate_interval]))')],
        },
      ],
    };
    const report = await checkDashboard(dashboard, w, substitutions(w));
    expect(report.checked).toBe(3);
    expect(report.problems.map((p) => p.where)).toEqual([
      'broken on purpose / bad PromQL / A',
      'broken on purpose / no such metric / A',
    ]);
    expect(report.problems[0]!.problem).toMatch(/syntax error/);
    expect(report.problems[1]!.problem).toMatch(/no data/);
  });
});

describe('the collector as a second line of defence', () => {
  it('masks secret-looking attributes before they reach Jaeger, and leaves look-alikes alone', async () => {
    const traceId = randomBytes(16).toString('hex');
    const now = BigInt(Date.now()) * 1_000_000n;
    const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const secrets = {
      'http.request.header.authorization': 'Bearer abcdefghijklmnop123456',
      'http.request.header.x-api-key': 'not-even-key-shaped',
      'app.note': 'the key is sk-proj-abcdefghijklmnopqrstuvwxyz0123',
    };
    const harmless = {
      'gen_ai.request.model': 'risk-assessment-model-2025-extended',
      'app.feature': 'support-chat',
    };
    const response = await fetch(`${stack!.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [attribute('service.name', 'aiotel-e2e-redaction')] },
            scopeSpans: [
              {
                scope: { name: 'aiotel-e2e' },
                spans: [
                  {
                    traceId,
                    spanId: randomBytes(8).toString('hex'),
                    name: 'redaction probe',
                    kind: 3,
                    startTimeUnixNano: String(now - 1_000_000n),
                    endTimeUnixNano: String(now),
                    attributes: Object.entries({ ...secrets, ...harmless }).map(([k, v]) => attribute(k, v)),
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const span = await waitFor(
      'the probe span in Jaeger',
      async (signal) =>
        (
          await getJson<{ data: { spans: JaegerSpan[] }[] }>(
            `${stack!.jaegerUrl}/api/traces/${traceId}`,
            signal,
          )
        )?.data[0]?.spans[0],
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    // Keys that look like credentials lose their whole value; a key-shaped value is masked where it matches.
    expect(tag(span, 'http.request.header.authorization')).toBe('****');
    expect(tag(span, 'http.request.header.x-api-key')).toBe('****');
    expect(tag(span, 'app.note')).toMatch(/^the key is \*+$/);
    for (const [key, value] of Object.entries(harmless)) expect(tag(span, key), key).toBe(value);
  });
});

describe('spans the preload sends as OTLP/HTTP JSON', () => {
  it('reach Jaeger through the collector with every character as the app sent it', async () => {
    // The preload encodes JSON spans itself (packages/node/src/span-json.ts): quotes, backslashes, newlines,
    // control characters and non-ASCII must survive the collector's parser and come out of Jaeger unchanged.
    const run = await runJsonSpans(stack!.otlpHttpUrl);
    expect(run.sent).toHaveLength(4);
    const spans = await waitFor(
      "the JSON workload's chat spans in Jaeger",
      async () => {
        const chats = (await tracesOf(stack!.jaegerUrl, JSON_SPANS_SERVICE))
          .flatMap((trace) => trace.spans)
          .filter((span) => tag(span, 'gen_ai.operation.name') === 'chat');
        return chats.length >= run.sent.length ? chats : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    for (const call of run.sent) {
      const span = spans.find((s) => tag(s, 'gen_ai.response.id') === call.responseId);
      if (!span) throw new Error(`no span in Jaeger has gen_ai.response.id ${call.responseId}`);
      expect(tag(span, 'gen_ai.request.model')).toBe('gpt-4o-mini');
      expect(tag(span, 'gen_ai.usage.input_tokens')).toBe(call.inputTokens);
      expect(tag(span, 'gen_ai.usage.cost.amount')).toBeGreaterThan(0);
      const input = JSON.parse(String(tag(span, 'gen_ai.input.messages'))) as {
        role: string;
        parts: { type: string; content?: string }[];
      }[];
      expect(input).toEqual([{ role: 'user', parts: [{ type: 'text', content: call.content }] }]);
    }
  });
});

describe('the collector build', () => {
  it('validate accepts the shipped collector config', () => {
    const result = spawnSync(binaries.otelcol, ['validate', '--config', SHIPPED.collectorConfig], {
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
  });

  it('validate rejects a config that names a component the build does not have', () => {
    const broken = join(workDir, 'broken-otelcol.yaml');
    const shipped = readFileSync(SHIPPED.collectorConfig, 'utf8');
    // kafka is a real contrib exporter, but not one of the manifest's components.
    const withKafka = shipped
      .replace('\nexporters:\n', '\nexporters:\n  kafka:\n    brokers: [localhost:9092]\n')
      .replace('exporters: [prometheus]', 'exporters: [prometheus, kafka]');
    expect(withKafka).toContain('exporters: [prometheus, kafka]');
    writeFileSync(broken, withKafka);
    const result = spawnSync(binaries.otelcol, ['validate', '--config', broken], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/kafka/);
  });
});
