// @ts-check
/**
 * The aiotel demo: a short mixed workload (several models, streamed and not, more concurrency than the
 * bulkhead allows, injected faults) through resilient() clients, observed by the aiotel preload, ending with a
 * per-model summary built from the GenAI spans the preload exported.
 *
 * Run it with `pnpm demo` at the repository root (see README.md for the environment variables).
 */
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeLlm } from '@aiotel/fake-llm';
import { resilient } from '@aiotel/resilience';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { readDemoConfig } from './config.mjs';
import { metricFacts } from './metric-facts.mjs';
import { Progress } from './progress.mjs';
import { runCall } from './run-call.mjs';
import { summarize } from './summary.mjs';
import {
  countOf,
  formatErrorsByType,
  formatUsd,
  renderMetricFacts,
  renderSummaryTable,
} from './summary-table.mjs';
import { telemetry } from './telemetry.mjs';
import { buildWorkload, totalCalls } from './workload.mjs';

/**
 * The policies of the app's main client. The limits are small on purpose so a short run shows them at work;
 * `totalMs` bounds every call, so the demo cannot hang on one.
 */
const MAIN_POLICIES = Object.freeze({
  retry: { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 2000, maxRetryAfterMs: 5000 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 2000 },
  bulkhead: { limit: 4, queue: 256 },
  timeout: { attemptMs: 20_000, firstChunkMs: 10_000, idleMs: 5000, totalMs: 30_000 },
});

/** The free tier's spend limit: a few gpt-4o-mini calls, so the budget runs out within the phase. */
const FREE_TIER_BUDGET_USD = 0.00003;

/** Fake-llm timing that looks like a fast provider but keeps the default run near 20 s. */
const FAKE_LATENCY = Object.freeze({ ttftMs: 120, tokenMs: 6 });

/** Concurrent ordinary calls: twice the main bulkhead limit, so calls visibly queue. */
const CONCURRENCY = 8;

/**
 * @param {string} line
 */
const say = (line) => process.stdout.write(`${line}\n`);

/**
 * Runs the calls of a phase, `concurrency` at a time.
 *
 * @template T
 * @param {readonly T[]} items
 * @param {number} concurrency
 * @param {(item: T) => Promise<void>} work
 */
async function runPool(items, concurrency, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = /** @type {T} */ (items[next++]);
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * How the workload went, as the app saw it (the summary itself comes from the telemetry).
 *
 * @typedef {object} WorkloadResult
 * @property {number} durationS
 * @property {Record<string, number>} failures failed calls per error name (the name `error.type` gives it)
 * @property {number} unexpectedFailures failed calls that had no injected fault
 */

/**
 * Runs every phase against `baseURL` through the demo's resilient clients.
 *
 * @param {import('./config.mjs').DemoConfig} config
 * @param {{ baseURL: string | undefined, anthropicURL: string | undefined, apiKey: string | undefined, faults: boolean }} target
 * @returns {Promise<WorkloadResult>}
 */
async function runWorkload(config, target) {
  const base = new OpenAI({ baseURL: target.baseURL, apiKey: target.apiKey });
  const clients = {
    main: resilient(base, MAIN_POLICIES),
    batch: resilient(base, { ...MAIN_POLICIES, bulkhead: { limit: 2, queue: 4 } }),
    freeTier: resilient(base, { ...MAIN_POLICIES, budget: { usd: FREE_TIER_BUDGET_USD, windowMs: 60_000 } }),
    // Its phase sends two calls at once that fail every attempt on their model (six attempts in all). A breaker that
    // opened among them would refuse one call's last attempt or not, as their jittered retry delays fall, and the
    // run's counts would differ from run to run: its threshold is above what that phase fails.
    withFallback: resilient(base, {
      ...MAIN_POLICIES,
      circuitBreaker: { ...MAIN_POLICIES.circuitBreaker, consecutiveFailures: 10 },
      fallback: { models: ['gpt-4o-mini'] },
    }),
    anthropic: resilient(
      new Anthropic({ baseURL: target.anthropicURL, apiKey: target.apiKey }),
      MAIN_POLICIES,
    ),
  };
  const phases = buildWorkload({
    calls: config.calls,
    models: config.models,
    faults: target.faults,
    concurrency: CONCURRENCY,
    halfOpenAfterMs: MAIN_POLICIES.circuitBreaker.halfOpenAfterMs,
    breakerFailures: MAIN_POLICIES.circuitBreaker.consecutiveFailures,
    fallbackAttempts: MAIN_POLICIES.retry.maxRetries + 1,
  });
  const progress = new Progress({ total: totalCalls(phases) });
  const startedAt = performance.now();
  /** @type {Record<string, number>} */
  const failures = {};
  let unexpectedFailures = 0;
  for (const phase of phases) {
    progress.phase(phase.name);
    await runPool(phase.calls, phase.concurrency, async (call) => {
      const outcome = await runCall(clients[call.client], call);
      if (!outcome.ok) {
        const key = outcome.error ?? 'unknown';
        failures[key] = (failures[key] ?? 0) + 1;
        if (!call.faulty) unexpectedFailures++;
      }
      progress.tick(outcome.ok);
    });
    if (phase.pauseAfterMs) await sleep(phase.pauseAfterMs);
  }
  progress.finish();
  return { durationS: (performance.now() - startedAt) / 1000, failures, unexpectedFailures };
}

/**
 * Prints the summary of the exported telemetry and writes it as JSON when asked.
 *
 * @param {import('./config.mjs').DemoConfig} config
 * @param {WorkloadResult} result
 * @returns {Promise<import('./summary.mjs').RunSummary>}
 */
async function report(config, result) {
  const summary = summarize(telemetry.recorder.records);
  const exportedMetrics = metricFacts(telemetry.metrics);
  say('');
  say(
    `summary of ${countOf(summary.totals.calls, 'GenAI span')} in ${result.durationS.toFixed(1)} s ` +
      '(from the exported telemetry, per gen_ai.request.model):',
  );
  say('');
  say(renderSummaryTable(summary));
  say('');
  const unexpected = result.unexpectedFailures > 0 ? ` (${result.unexpectedFailures} not injected)` : '';
  say(`the app caught: ${formatErrorsByType(result.failures) || 'no errors'}${unexpected}`);
  say(renderMetricFacts(exportedMetrics));
  if (telemetry.exporting) {
    say(`traces:     ${config.jaegerUrl}/search?service=${encodeURIComponent(telemetry.serviceName)}`);
    // The dashboard uids of collector/grafana/dashboards.
    say(`cost:       ${config.grafanaUrl}/d/aiotel-ai-cost`);
    say(`latency:    ${config.grafanaUrl}/d/aiotel-ai-latency-reliability`);
  }
  if (config.summaryFile) {
    const json = {
      target: config.target,
      durationS: result.durationS,
      telemetry: {
        endpoint: telemetry.endpoint,
        exporting: telemetry.exporting,
        serviceName: telemetry.serviceName,
      },
      appFailures: result.failures,
      unexpectedFailures: result.unexpectedFailures,
      ...summary,
      metrics: exportedMetrics,
    };
    await writeFile(config.summaryFile, `${JSON.stringify(json, null, 2)}\n`);
    say(`summary written to ${config.summaryFile} (total cost ${formatUsd(summary.totals.costUsd)})`);
  }
  // The summary needs the OTLP export (read through the tee): console comes in addition to it.
  say(
    'telemetry: to print it here (a line per span and per metric), OTEL_TRACES_EXPORTER=otlp,console ' +
      'OTEL_METRICS_EXPORTER=otlp,console pnpm demo; to browse it, docker compose up -d and open Jaeger ' +
      `(${config.jaegerUrl}) and Grafana (${config.grafanaUrl})`,
  );
  return summary;
}

async function main() {
  const config = readDemoConfig(process.env);
  for (const warning of config.warnings) process.stderr.write(`[demo] ${warning}\n`);

  const fake = config.target === 'fake' ? await startFakeLlm({ latency: FAKE_LATENCY }) : undefined;
  /** @type {WorkloadResult} */
  let result;
  try {
    const baseURL = fake?.url ?? config.baseURL;
    say(
      fake
        ? `aiotel demo: ${config.models.join(', ')} on the embedded fake-llm (${fake.url}), ${config.faults ? 'faults injected' : 'no faults'}`
        : `aiotel demo: ${config.models.join(', ')} on ${baseURL ?? 'https://api.openai.com/v1'} (real API, no faults injected)`,
    );
    say(
      telemetry.exporting
        ? `telemetry: exporting over OTLP/HTTP to ${telemetry.endpoint}`
        : `telemetry: nothing listens at ${telemetry.endpoint}; not exporting (start the stack to see traces and dashboards), summary below`,
    );
    result = await runWorkload(config, {
      baseURL,
      // The native Anthropic lane runs on the fake server only (its phase comes with the injected faults).
      anthropicURL: fake?.anthropicUrl,
      apiKey: fake ? 'demo-key-for-the-fake-server' : config.apiKey,
      faults: config.faults,
    });
  } finally {
    // Also on a crash: an open server would keep the process alive.
    await fake?.close();
  }
  // Everything exported (and forwarded to the collector) before the summary is read from it.
  await telemetry.finish();
  const summary = await report(config, result);
  if (summary.totals.calls === 0) {
    const why = /^true$/i.test(process.env.OTEL_SDK_DISABLED ?? '')
      ? 'OTEL_SDK_DISABLED=true turned telemetry off'
      : 'the instrumentation is not active';
    process.stderr.write(`[demo] no GenAI span was exported (${why}): the summary is empty\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(
    `[demo] the demo broke: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`,
  );
  process.exitCode = 1;
});
