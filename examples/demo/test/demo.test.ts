import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertPackagesBuilt,
  type OtlpReceiver,
  runStart,
  startOtlpReceiver,
} from '../../test-support/run-example.js';
import { DEMO_MODELS, IN_HOUSE_MODEL } from '../src/workload.mjs';

/**
 * The lines of a summary without what varies from run to run (the duration and the latency columns), each line
 * as its cells: the README promises that calls, tokens and cost come out the same every run.
 */
function withoutTimings(text: string): string[][] {
  const start = text.indexOf('summary of ');
  const lastLine = text.indexOf('from the metrics:', start);
  const end = text.indexOf('\n', lastLine);
  return text
    .slice(start, end === -1 ? undefined : end)
    .replace(/ in \d+\.\d s /, ' in … s ')
    .split('\n')
    .map((line) => {
      const cells = line.trim().split(/ {2,}/);
      // Table lines: model, calls, errors, retries, breaker opens, p50, p95, first chunk p50, tokens…, cost.
      return cells.length === 12 ? [...cells.slice(0, 5), ...cells.slice(8)] : cells;
    });
}

/** The sample run in the demo's README. */
function readmeSample(): string {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const block = readme.slice(readme.indexOf('A run on the fake server'));
  return block.slice(block.indexOf('```text\n') + 8, block.indexOf('\n```', block.indexOf('```text\n')));
}

/** The acceptance bound for a whole demo run. */
const DEMO_TIMEOUT_MS = 90_000;

type Summary = {
  models: { model: string; calls: number; retries: number; breakerOpens: number; unpricedCalls: number }[];
  totals: {
    calls: number;
    errors: number;
    retries: number;
    breakerOpens: number;
    costUsd: number;
    errorsByType: Record<string, number>;
  };
  appFailures: Record<string, number>;
  features: { feature: string; costUsd: number }[];
  metrics: {
    costUsd: number | null;
    bulkheadRejections: number;
    fallbacks: number;
    budgetRefusals: number;
    unpricedCalls: number;
  };
  unexpectedFailures: number;
  telemetry: { exporting: boolean };
};

describe('the demo', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeAll(async () => {
    assertPackagesBuilt();
    receiver = await startOtlpReceiver();
    dir = mkdtempSync(join(tmpdir(), 'aiotel-demo-'));
  });
  afterAll(async () => {
    await receiver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'runs the workload against a collector, prints every model row and the totals, and writes the JSON summary of what it exported',
    async () => {
      const summaryFile = join(dir, 'summary.json');
      const run = await runStart(
        'demo',
        {
          AIOTEL_DEMO_CALLS: '12',
          AIOTEL_DEMO_SUMMARY_FILE: summaryFile,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        },
        DEMO_TIMEOUT_MS,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`telemetry: exporting over OTLP/HTTP to ${receiver.url}`);
      for (const model of [...DEMO_MODELS, IN_HOUSE_MODEL, 'TOTAL']) {
        expect(run.stdout).toMatch(new RegExp(`^${model.replace(/\./g, '\\.')}\\s+\\d+\\s+\\d+\\s`, 'm'));
      }
      expect(run.stdout).toMatch(/^total cost: \$\d+\.\d{6}$/m);
      expect(run.stdout).toContain('traces:     http://localhost:16686/search?service=aiotel-demo');
      expect(run.stdout).toContain('cost:       http://localhost:3000/d/aiotel-ai-cost');

      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary;
      expect(summary.telemetry.exporting).toBe(true);
      expect(summary.unexpectedFailures).toBe(0);
      expect(summary.models.map((row) => row.model).sort()).toEqual([...DEMO_MODELS, IN_HOUSE_MODEL].sort());

      // The summary is what reached the collector: same GenAI spans, same cost.
      const exported = receiver.genAiSpans();
      expect(summary.totals.calls).toBe(exported.length);
      const exportedCost = exported.reduce((sum, span) => {
        const cost = span.attributes['gen_ai.usage.cost.amount'];
        return sum + (typeof cost === 'number' ? cost : 0);
      }, 0);
      expect(summary.totals.costUsd).toBeGreaterThan(0);
      expect(summary.totals.costUsd).toBeCloseTo(exportedCost, 12);
      expect(summary.metrics.costUsd).toBeCloseTo(summary.totals.costUsd, 12);

      // Each injected fault shows up in the telemetry.
      expect(summary.totals.retries).toBeGreaterThan(0);
      expect(exported.some((span) => span.events.some((event) => event.name === 'aiotel.retry'))).toBe(true);
      expect(summary.totals.breakerOpens).toBeGreaterThan(0);
      expect(summary.totals.errors).toBeGreaterThan(0);
      expect(summary.metrics.bulkheadRejections).toBeGreaterThan(0);
      expect(summary.metrics.fallbacks).toBeGreaterThan(0);
      expect(summary.metrics.budgetRefusals).toBeGreaterThan(0);
      expect(summary.models.find((row) => row.model === IN_HOUSE_MODEL)?.unpricedCalls).toBeGreaterThan(0);
      expect(summary.features.map((feature) => feature.feature)).toEqual(
        expect.arrayContaining(['support-chat', 'summarize', 'classify']),
      );
      // One name per error: what the app caught is counted under the spans' error.type (500, not InternalServerError).
      expect(summary.appFailures['500']).toBeGreaterThan(0);
      expect(summary.appFailures).toEqual(summary.totals.errorsByType);
      const caught = run.stdout.split('\n').find((line) => line.startsWith('the app caught: '));
      expect(caught).toContain('500 ×');
      expect(caught).not.toContain('InternalServerError');
    },
    DEMO_TIMEOUT_MS + 5_000,
  );

  it(
    "prints the README's sample summary on a default run, all but the timings",
    async () => {
      const run = await runStart(
        'demo',
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
        DEMO_TIMEOUT_MS,
      );
      expect(run.code, run.stderr).toBe(0);
      const sample = withoutTimings(readmeSample());
      expect(sample.length).toBeGreaterThan(20);
      expect(withoutTimings(run.stdout)).toEqual(sample);
    },
    DEMO_TIMEOUT_MS + 5_000,
  );

  it(
    'says in one line that nothing listens for telemetry, and still ends with the summary and exit code 0',
    async () => {
      const run = await runStart(
        'demo',
        {
          AIOTEL_DEMO_CALLS: '6',
          AIOTEL_DEMO_FAULTS: 'false',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        },
        DEMO_TIMEOUT_MS,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.match(/nothing listens at http:\/\/127\.0\.0\.1:9/g)).toHaveLength(1);
      expect(run.stdout).toContain('no faults');
      expect(run.stdout).toMatch(/^TOTAL\s+6\s+0\s/m);
      expect(run.stdout).not.toContain('localhost:16686');
      // The preload has nothing to complain about: it exported to the demo's tee, which forwarded nothing.
      expect(run.stderr).not.toMatch(/\[aiotel\].*export/i);
    },
    DEMO_TIMEOUT_MS + 5_000,
  );

  it(
    'calls the API at OPENAI_BASE_URL instead of the embedded fake, with ordinary traffic only',
    async () => {
      const relay = await startFakeLlm({ latency: false, apiKey: 'relay-key' });
      try {
        const summaryFile = join(dir, 'real.json');
        const run = await runStart(
          'demo',
          {
            OPENAI_BASE_URL: relay.url,
            OPENAI_API_KEY: 'relay-key',
            AIOTEL_DEMO_CALLS: '9',
            AIOTEL_DEMO_SUMMARY_FILE: summaryFile,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          },
          DEMO_TIMEOUT_MS,
        );
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toContain(`on ${relay.url} (real API, no faults injected)`);
        const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary & { target: string };
        expect(summary.target).toBe('real');
        expect(summary.totals).toMatchObject({ calls: 9, errors: 0, retries: 0 });
        expect(summary.models.map((row) => row.model).sort()).toEqual([...DEMO_MODELS].sort());
        expect(relay.stats().totalRequests).toBe(9);
        expect(relay.stats().requests.every((request) => request.fault === undefined)).toBe(true);
      } finally {
        await relay.close();
      }
    },
    DEMO_TIMEOUT_MS + 5_000,
  );
});
