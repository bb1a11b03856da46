// The whole flow as users get it: the GenAI span of @aiotel/instrumentation-openai around one logical call, our
// policy events on it, and one undici HTTP span per attempt beneath it.
import { createRequire } from 'node:module';
import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { OpenAIInstrumentation } from '@aiotel/instrumentation-openai';
import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type OpenAIType from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CircuitOpenError, resilient } from '../src/index.js';
import { CHAT, FAST_RETRY, fault, rejection } from './helpers.js';

const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
let fake: FakeLlm;
let OpenAI: typeof OpenAIType;
let instrumentations: { disable(): void }[] = [];

/** What @aiotel/node does: http.request.resend_count from the SDK's retry-count header. */
function resendCount(request: { headers: string | (string | string[])[] }): Record<string, number> {
  const headers = Array.isArray(request.headers) ? request.headers : request.headers.split(/\r\n|: /);
  const i = headers.findIndex((h) => typeof h === 'string' && h.toLowerCase() === 'x-stainless-retry-count');
  const n = Number(headers[i + 1]);
  return i >= 0 && n > 0 ? { 'http.request.resend_count': n } : {};
}

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const openai = new OpenAIInstrumentation();
  openai.setTracerProvider(tracerProvider);
  const undici = new UndiciInstrumentation({ startSpanHook: resendCount });
  undici.setTracerProvider(tracerProvider);
  undici.enable();
  instrumentations = [openai, undici];
  // Loaded through require after the instrumentation is enabled, so its hook patches the SDK.
  const mod = createRequire(import.meta.url)('openai');
  OpenAI = mod.OpenAI ?? mod.default;
  fake = await startFakeLlm({ latency: false });
});
afterAll(async () => {
  for (const i of instrumentations) i.disable();
  await fake?.close();
  await tracerProvider.shutdown();
  context.disable();
});
beforeEach(() => {
  exporter.reset();
  fake.reset();
});

const make = (options = {}) =>
  resilient(new OpenAI({ baseURL: fake.url, apiKey: 'test' }), { retry: FAST_RETRY, ...options });

async function spansAfter(count: number): Promise<ReadableSpan[]> {
  for (let i = 0; i < 200 && exporter.getFinishedSpans().length < count; i++) {
    await new Promise((r) => setImmediate(r));
  }
  return exporter.getFinishedSpans();
}

const genAiSpans = (spans: ReadableSpan[]) => spans.filter((s) => s.name.startsWith('chat '));
const httpSpans = (spans: ReadableSpan[]) => spans.filter((s) => s.name === 'POST');

describe('with @aiotel/instrumentation-openai and the undici instrumentation', () => {
  it('a call retried twice is one GenAI span with two retry events and three HTTP attempt spans beneath it', async () => {
    const client = make();
    await client.chat.completions.create(
      CHAT,
      fault('status=429; retry-after-ms=5', { 'x-fake-scenario': 'flow', 'x-fake-fault-times': '2' }),
    );
    const spans = await spansAfter(4);
    const [genAi, ...others] = genAiSpans(spans);
    expect(others).toEqual([]);
    expect(genAi?.kind).toBe(SpanKind.CLIENT);
    expect(genAi?.events.filter((e) => e.name === 'aiotel.retry')).toHaveLength(2);
    const attempts = httpSpans(spans);
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts)
      expect(attempt.parentSpanContext?.spanId).toBe(genAi?.spanContext().spanId);
    expect(attempts.map((a) => a.attributes['http.request.resend_count'])).toEqual([undefined, 1, 2]);
    expect(attempts.map((a) => a.attributes['http.response.status_code'])).toEqual([429, 429, 200]);
  });

  it('a call refused by the open breaker is a GenAI span with error.type CircuitOpenError and no HTTP span', async () => {
    const client = make({ retry: false, circuitBreaker: { consecutiveFailures: 1 } });
    await rejection(client.chat.completions.create(CHAT, fault('status=500')));
    exporter.reset();
    const err = await rejection(client.chat.completions.create(CHAT));
    expect(err).toBeInstanceOf(CircuitOpenError);
    const spans = await spansAfter(1);
    expect(httpSpans(spans)).toEqual([]);
    expect(genAiSpans(spans)[0]?.attributes['error.type']).toBe('CircuitOpenError');
  });

  it('a call that waited in the bulkhead queue sends its HTTP attempt under its own GenAI span', async () => {
    const client = make({ bulkhead: { limit: 1, queue: 10 } });
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        client.chat.completions.create({ ...CHAT, messages: [{ role: 'user', content: `queued ${i}` }] }),
      ),
    );
    const spans = await spansAfter(8);
    const genAi = genAiSpans(spans);
    const attempts = httpSpans(spans);
    expect(genAi).toHaveLength(4);
    expect(attempts).toHaveLength(4);
    const parents = attempts.map((a) => a.parentSpanContext?.spanId).sort();
    expect(parents).toEqual(genAi.map((g) => g.spanContext().spanId).sort());
  });

  it('a stream’s events land on its GenAI span', async () => {
    const client = make();
    const stream = await client.chat.completions.create(
      { ...CHAT, stream: true },
      fault('status=503', { 'x-fake-scenario': 'flow-stream', 'x-fake-fault-times': '1' }),
    );
    for await (const _ of stream);
    const spans = await spansAfter(3);
    const genAi = genAiSpans(spans);
    expect(genAi).toHaveLength(1);
    expect(genAi[0]?.events.map((e) => e.name)).toContain('aiotel.retry');
    expect(httpSpans(spans)).toHaveLength(2);
  });
});
