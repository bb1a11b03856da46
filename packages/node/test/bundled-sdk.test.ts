import { describe, expect, it } from 'vitest';
import { runApp } from './harness/app.js';
import { startOtlpReceiver } from './harness/otlp-receiver.js';
import { useTestBed } from './harness/test-bed.js';

// The preload's OpenTelemetry SDK is bundled into @aiotel/node (tsdown.config.ts says why): an app under it loads the
// SDK as one module, not as the ~280 modules of its packages. Only the API and the instrumentation base, which the app
// and the instrumentations share, come from node_modules.
const SHARED = ['@opentelemetry/api', '@opentelemetry/instrumentation'];
const RECORDER = ['--require', './test/fixtures/module-recorder.cjs'];

const bed = useTestBed();

function loadedPackages(stderr: string): string[] {
  const line = stderr.split('\n').find((l) => l.startsWith('modules-loaded: '));
  expect(line, `no modules-loaded line in the app's stderr:\n${stderr}`).toBeDefined();
  return JSON.parse(line?.slice('modules-loaded: '.length) ?? '[]') as string[];
}

describe('the OpenTelemetry SDK of the preload', () => {
  it.each([
    { app: 'an ESM app started with --import', file: 'chat.mjs', preload: '--import' },
    { app: 'a CommonJS app started with --require', file: 'chat.cjs', preload: '--require' },
  ])('is one bundled module in $app, which still exports its GenAI span', async ({ file, preload }) => {
    const otlp = bed.closeAtEnd(await startOtlpReceiver());
    const run = await runApp({
      file,
      nodeArgs: [...RECORDER, preload, '@aiotel/node/register'],
      env: {
        FAKE_LLM_URL: bed.fake.url,
        FIXTURE_CREDENTIAL: 'fixture-credential-bundled-sdk',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const packages = loadedPackages(run.stderr);
    // The recorder saw the app's own packages: it is not blind.
    expect(packages).toContain('openai');
    expect(packages.filter((name) => name.startsWith('@opentelemetry/'))).toEqual(SHARED);
    expect(packages).not.toContain('@aiotel/aggregating-meter-provider');
    expect(otlp.spans().filter((span) => span.scope === '@aiotel/instrumentation-openai')).toHaveLength(1);
    expect(otlp.metrics().map((metric) => metric.name)).toContain('gen_ai.client.operation.duration');
  });
});
