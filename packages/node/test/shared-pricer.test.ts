import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appResult, PACKAGE_DIR, runApp } from './harness/app.js';
import { ensureBuilt } from './harness/build.js';
import { type OtlpReceiver, startOtlpReceiver } from './harness/otlp-receiver.js';

let fake: FakeLlm;
let otlp: OtlpReceiver;
beforeAll(async () => {
  ensureBuilt();
  fake = await startFakeLlm({ latency: false });
  otlp = await startOtlpReceiver();
}, 200_000);
afterAll(async () => {
  await fake?.close();
  await otlp?.close();
});

async function budgetRefusedSecondCall(prices: string | undefined): Promise<string | undefined> {
  const env: Record<string, string> = {
    AIOTEL_NODE_ENTRY: join(PACKAGE_DIR, 'dist', 'index.cjs'),
    TEST_ENDPOINT: otlp.url,
    FAKE_LLM_URL: fake.url,
    FIXTURE_CREDENTIAL: 'test-credential',
  };
  if (prices !== undefined) env.PRICES = prices;
  const run = await runApp({ file: 'shared-pricer.mjs', env });
  expect(run.code, run.stderr).toBe(0);
  return appResult(run.stdout)?.results[0];
}

describe('one pricer for spans and budget', () => {
  it("the pricer startTelemetry() configured (pricesFile in code) prices @aiotel/resilience's budget", async () => {
    const prices = join(mkdtempSync(join(tmpdir(), 'aiotel-prices-')), 'prices.json');
    // One dollar per input token: one call spends several dollars.
    writeFileSync(prices, JSON.stringify({ 'gpt-4o-mini': { input: 1_000_000, output: 0 } }));
    expect(await budgetRefusedSecondCall(prices)).toBe('true');
  });

  it('without the prices file the same calls stay under the budget (the check above can fail)', async () => {
    expect(await budgetRefusedSecondCall(undefined)).toBe('false');
  });
});
