// @ts-check
import { DEFAULT_CALLS, DEMO_MODELS } from './workload.mjs';

/** Ordinary calls against a real API by default: enough to see the telemetry, cheap enough not to notice. */
export const DEFAULT_REAL_API_CALLS = 12;

/**
 * The demo's settings, read from the environment (documented in examples/demo/README.md).
 *
 * @typedef {object} DemoConfig
 * @property {'fake' | 'real'} target the embedded fake-llm, or the API at `baseURL`
 * @property {string | undefined} baseURL `OPENAI_BASE_URL` (real API only; the SDK's default when unset)
 * @property {string | undefined} apiKey `OPENAI_API_KEY` (real API only)
 * @property {boolean} faults `AIOTEL_DEMO_FAULTS`: inject faults (the fake only; `false` for ordinary traffic only)
 * @property {number} calls `AIOTEL_DEMO_CALLS`: calls of ordinary traffic
 * @property {readonly string[]} models `AIOTEL_DEMO_MODELS`: models of ordinary traffic
 * @property {string | undefined} summaryFile `AIOTEL_DEMO_SUMMARY_FILE`: where to write the JSON summary
 * @property {string} jaegerUrl `AIOTEL_DEMO_JAEGER_URL`
 * @property {string} grafanaUrl `AIOTEL_DEMO_GRAFANA_URL`
 * @property {string[]} warnings one line per invalid value (the default was used)
 */

/**
 * Reads the demo's settings. Never throws: an invalid value gives a warning and the default.
 *
 * @param {NodeJS.ProcessEnv} env
 * @returns {DemoConfig}
 */
export function readDemoConfig(env) {
  /** @type {string[]} */
  const warnings = [];
  const baseURL = env.OPENAI_BASE_URL?.trim() || undefined;
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const target = baseURL !== undefined || apiKey !== undefined ? 'real' : 'fake';

  let calls = target === 'fake' ? DEFAULT_CALLS : DEFAULT_REAL_API_CALLS;
  const rawCalls = env.AIOTEL_DEMO_CALLS?.trim();
  if (rawCalls) {
    const n = Number(rawCalls);
    if (Number.isInteger(n) && n > 0 && n <= 100_000) calls = n;
    else
      warnings.push(
        `AIOTEL_DEMO_CALLS="${rawCalls}" is not a whole number from 1 to 100000; using ${calls}.`,
      );
  }

  // OpenAI itself serves no Claude or Gemini models; a relay (a custom base URL) may.
  const onOpenAI = target === 'real' && (baseURL === undefined || /(^|\.)openai\.com$/.test(hostOf(baseURL)));
  let models = onOpenAI ? ['gpt-4o-mini'] : [...DEMO_MODELS];
  const rawModels = env.AIOTEL_DEMO_MODELS?.trim();
  if (rawModels) {
    const list = rawModels
      .split(',')
      .map((model) => model.trim())
      .filter((model) => model !== '');
    if (list.length > 0) models = list;
    else warnings.push(`AIOTEL_DEMO_MODELS="${rawModels}" names no model; using ${models.join(',')}.`);
  }

  // A real API gets no fault headers: it would not understand them, and the demo must not provoke it.
  let faults = target === 'fake';
  const rawFaults = env.AIOTEL_DEMO_FAULTS?.trim().toLowerCase();
  if (rawFaults === 'false' || rawFaults === 'off' || rawFaults === '0') faults = false;
  else if (rawFaults && rawFaults !== 'true' && rawFaults !== 'on' && rawFaults !== '1') {
    warnings.push(`AIOTEL_DEMO_FAULTS="${env.AIOTEL_DEMO_FAULTS}" is not true or false; using ${faults}.`);
  }

  return {
    target,
    baseURL,
    apiKey,
    faults,
    calls,
    models,
    summaryFile: env.AIOTEL_DEMO_SUMMARY_FILE?.trim() || undefined,
    jaegerUrl: env.AIOTEL_DEMO_JAEGER_URL?.trim() || 'http://localhost:16686',
    grafanaUrl: env.AIOTEL_DEMO_GRAFANA_URL?.trim() || 'http://localhost:3000',
    warnings,
  };
}

/** @param {string} url */
function hostOf(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
