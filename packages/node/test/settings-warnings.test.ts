// Malformed settings in a real app: each gets exactly one [aiotel] line (never two that disagree, never silence), the
// app and its telemetry carry on, and OTEL_LOG_LEVEL=none silences every line.
import { describe, expect, it } from 'vitest';
import { appResult } from './harness/app.js';
import { useAppBed } from './harness/app-bed.js';

const bed = useAppBed();

async function run(extra: Record<string, string>) {
  const result = await bed.run('chat.mjs', ['--import', '@aiotel/node/register'], extra);
  expect(appResult(result.stdout)?.done).toBe(true);
  return result;
}

describe('a malformed setting in a preloaded app', () => {
  it('AIOTEL_GENAI_INJECT_STREAM_USAGE=maybe: one warning, and streamed usage is still asked for (the default)', async () => {
    const { lines, genAi } = await run({ AIOTEL_GENAI_INJECT_STREAM_USAGE: 'maybe', STREAM: '1' });
    expect(lines).toEqual([
      '[aiotel] warn: AIOTEL_GENAI_INJECT_STREAM_USAGE="maybe" is not true or false; using true.',
    ]);
    const streamed = genAi.find((span) => span.attributes['gen_ai.request.stream'] === true);
    expect(streamed?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it("AIOTEL_METRIC_ATTRIBUTES='app.feature; app.tenant' (wrong separator): one warning naming the separator", async () => {
    const { lines, genAi } = await run({
      AIOTEL_METRIC_ATTRIBUTES: 'app.feature; app.tenant',
      FEATURE: 'search',
    });
    expect(lines).toEqual([
      '[aiotel] warn: AIOTEL_METRIC_ATTRIBUTES: "app.feature; app.tenant" is not an attribute key (separate them with commas); skipping it.',
    ]);
    expect(genAi).toHaveLength(1);
  });

  it("OTEL_EXPORTER_OTLP_HEADERS='x-token' (no =): one warning, the other pairs are sent and telemetry flows", async () => {
    const { lines, genAi, requests } = await run({ OTEL_EXPORTER_OTLP_HEADERS: 'x-token,x-tenant=acme' });
    expect(lines).toEqual([
      '[aiotel] warn: OTEL_EXPORTER_OTLP_HEADERS: "x-token" is not key=value (separate pairs with commas); skipping it.',
    ]);
    expect(genAi).toHaveLength(1);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) expect(request.headers['x-tenant']).toBe('acme');
  });

  it('OTEL_LOG_LEVEL=none: not one line on stderr, whatever is malformed', async () => {
    const { stderr, genAi } = await run({
      OTEL_LOG_LEVEL: 'none',
      AIOTEL_GENAI_INJECT_STREAM_USAGE: 'maybe',
      AIOTEL_METRIC_ATTRIBUTES: 'app.feature; app.tenant',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-token',
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
    });
    expect(stderr).toBe('');
    expect(genAi).toHaveLength(1);
  });
});
