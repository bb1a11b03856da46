import { REDACTED, Redactor } from '@aiotel/genai-core';
import { type SpanContext, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import {
  expectScrubbed,
  OPAQUE_KEY,
  OPAQUE_KEY_TEXT,
  SECRET_HEADER_ATTRIBUTES,
  SECRET_TEXTS,
} from '../../genai-core/test/secrets-corpus.js';
import { inspectRequest } from '../src/http.js';
import { redactMetrics, redactSpan } from '../src/redact.js';

const KEY = 'sk-test-0123456789abcdefghijKLMN';

function span(overrides: Partial<ReadableSpan> = {}): ReadableSpan {
  const spanContext: SpanContext = { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 };
  return {
    name: 'POST',
    kind: SpanKind.CLIENT,
    spanContext: () => spanContext,
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: SpanStatusCode.UNSET },
    attributes: { 'url.full': 'http://h/v1/chat' },
    links: [],
    events: [],
    duration: [1, 0],
    ended: true,
    resource: emptyResource(),
    instrumentationScope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

describe('the shared secrets corpus on the export path', () => {
  it.each(SECRET_TEXTS.map((entry) => [entry.what, entry] as const))(
    'scrubs %s from span name, attributes, exception events and status',
    (_what, entry) => {
      const out = redactSpan(
        span({
          name: entry.text,
          attributes: { 'url.full': entry.text, ...SECRET_HEADER_ATTRIBUTES },
          status: { code: SpanStatusCode.ERROR, message: entry.text },
          events: [{ name: 'exception', time: [1, 5], attributes: { 'exception.message': entry.text } }],
        }),
        new Redactor(),
      );
      expectScrubbed(out.name, entry);
      expectScrubbed(String(out.attributes['url.full']), entry);
      expectScrubbed(String(out.status.message), entry);
      expectScrubbed(String(out.events[0]?.attributes?.['exception.message']), entry);
      for (const [key, value] of Object.entries(SECRET_HEADER_ATTRIBUTES)) {
        expect(out.attributes[key], key).toEqual(Array.isArray(value) ? [REDACTED] : REDACTED);
      }
    },
  );

  it.each([['authorization'], ['api-key'], ['x-api-key']])(
    'learns a key of no known shape from the %s header of an outgoing request',
    (header) => {
      const redactor = new Redactor();
      inspectRequest(
        { headers: [header, header === 'authorization' ? `Bearer ${OPAQUE_KEY}` : OPAQUE_KEY] },
        redactor,
      );
      const out = redactSpan(
        span({ status: { code: SpanStatusCode.ERROR, message: OPAQUE_KEY_TEXT.text } }),
        redactor,
      );
      expectScrubbed(String(out.status.message), OPAQUE_KEY_TEXT);
    },
  );
});

describe('redactSpan', () => {
  it('returns the same span when nothing needs scrubbing', () => {
    const clean = span();
    expect(redactSpan(clean, new Redactor())).toBe(clean);
  });

  it('scrubs attributes, exception events and the status message, keeping identity and timing', () => {
    const redactor = new Redactor();
    redactor.addSecret(KEY);
    const dirty = span({
      attributes: { 'url.full': 'http://h/v1/chat?api_key=SECRETVALUE', 'url.query': '?api_key=SECRETVALUE' },
      status: { code: SpanStatusCode.ERROR, message: `bad key ${KEY}` },
      events: [
        {
          name: 'exception',
          time: [1, 5],
          attributes: { 'exception.message': `401 Incorrect API key ${KEY}` },
        },
        { name: 'aiotel.retry', time: [1, 6], attributes: { 'aiotel.retry.attempt': 1 } },
      ],
    });
    const out = redactSpan(dirty, redactor);
    expect(out.attributes).toEqual({
      'url.full': `http://h/v1/chat?api_key=${REDACTED}`,
      'url.query': `?api_key=${REDACTED}`,
    });
    expect(out.status).toEqual({ code: SpanStatusCode.ERROR, message: `bad key ${REDACTED}` });
    expect(out.events[0]?.attributes).toEqual({ 'exception.message': `401 Incorrect API key ${REDACTED}` });
    expect(out.events[1]).toBe(dirty.events[1]);
    expect(out.spanContext()).toEqual(dirty.spanContext());
    expect(out.startTime).toBe(dirty.startTime);
    expect(JSON.stringify(out)).not.toContain('SECRETVALUE');
    expect(JSON.stringify(out)).not.toContain(KEY);
  });
});

describe('redactMetrics', () => {
  it('scrubs data point attributes and leaves clean metrics untouched', () => {
    const metrics: ResourceMetrics = {
      resource: emptyResource(),
      scopeMetrics: [
        {
          scope: { name: 'test' },
          metrics: [
            {
              descriptor: { name: 'm', description: '', unit: '1', valueType: 1 },
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPointType: DataPointType.SUM,
              isMonotonic: true,
              dataPoints: [
                {
                  startTime: [0, 0],
                  endTime: [1, 0],
                  attributes: { 'url.full': 'http://h/?key=abc' },
                  value: 1,
                },
                { startTime: [0, 0], endTime: [1, 0], attributes: { 'server.address': 'h' }, value: 2 },
              ],
            },
          ],
        },
      ],
    };
    const out = redactMetrics(metrics, new Redactor());
    const points = out.scopeMetrics[0]?.metrics[0]?.dataPoints;
    expect(points?.[0]?.attributes).toEqual({ 'url.full': `http://h/?key=${REDACTED}` });
    expect(points?.[1]).toBe(metrics.scopeMetrics[0]?.metrics[0]?.dataPoints[1]);
    const clean = { ...metrics, scopeMetrics: [] };
    expect(redactMetrics(clean, new Redactor())).toBe(clean);
  });
});
