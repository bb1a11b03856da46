import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../src/settings.js';

let warnings: string[];
beforeEach(() => {
  warnings = [];
  diag.setLogger(
    {
      error: () => {},
      warn: (m: string) => warnings.push(m),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
});
afterEach(() => diag.disable());

describe('resolveSettings', () => {
  it('defaults: no content, 16 KiB limit, stream usage injected, no provider override, no metric keys', () => {
    const settings = resolveSettings({}, {});
    expect(settings).toEqual({
      captureMessageContent: false,
      contentMaxLength: 16384,
      injectStreamUsage: true,
      providerName: undefined,
      metricAttributes: new Set(),
    });
  });

  it('reads every environment variable', () => {
    const settings = resolveSettings(
      {},
      {
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'TRUE',
        AIOTEL_GENAI_CONTENT_MAX_LENGTH: '100',
        AIOTEL_GENAI_INJECT_STREAM_USAGE: 'false',
        AIOTEL_GENAI_PROVIDER: ' anthropic ',
        AIOTEL_METRIC_ATTRIBUTES: 'app.feature, app.tenant,,',
      },
    );
    expect(settings).toEqual({
      captureMessageContent: true,
      contentMaxLength: 100,
      injectStreamUsage: false,
      providerName: 'anthropic',
      metricAttributes: new Set(['app.feature', 'app.tenant']),
    });
    expect(warnings).toEqual([]);
  });

  it('lets options given in code win over the environment', () => {
    const settings = resolveSettings(
      {
        captureMessageContent: false,
        injectStreamUsage: true,
        providerName: 'openai',
        metricAttributes: ['app.feature'],
        contentMaxLength: 10,
      },
      {
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
        AIOTEL_GENAI_INJECT_STREAM_USAGE: 'false',
        AIOTEL_GENAI_PROVIDER: 'anthropic',
        AIOTEL_METRIC_ATTRIBUTES: 'app.tenant',
        AIOTEL_GENAI_CONTENT_MAX_LENGTH: '100',
      },
    );
    expect(settings.captureMessageContent).toBe(false);
    expect(settings.injectStreamUsage).toBe(true);
    expect(settings.providerName).toBe('openai');
    expect(settings.metricAttributes).toEqual(new Set(['app.feature']));
    expect(settings.contentMaxLength).toBe(10);
  });

  it('warns once per bad value and keeps the default', () => {
    const settings = resolveSettings({ contentMaxLength: -3 }, { AIOTEL_GENAI_INJECT_STREAM_USAGE: 'nope' });
    expect(settings.injectStreamUsage).toBe(true);
    expect(settings.contentMaxLength).toBe(16384);
    expect(warnings).toEqual([
      '@aiotel/instrumentation-openai: contentMaxLength=-3 is not a positive whole number; using 16384.',
      '@aiotel/instrumentation-openai: AIOTEL_GENAI_INJECT_STREAM_USAGE="nope" is not true or false; using true.',
    ]);
  });

  it('warns about a metric attribute list with the wrong separator, and keeps the keys it can read', () => {
    const settings = resolveSettings({}, { AIOTEL_METRIC_ATTRIBUTES: 'app.feature; app.tenant,app.region' });
    expect(settings.metricAttributes).toEqual(new Set(['app.region']));
    expect(warnings).toEqual([
      '@aiotel/instrumentation-openai: AIOTEL_METRIC_ATTRIBUTES: "app.feature; app.tenant" is not an attribute key (separate them with commas); skipping it.',
    ]);
  });
});
