/**
 * What encoding an exported span as OTLP protobuf costs: µs per span of `ProtobufTraceSerializer`
 * (`@opentelemetry/otlp-transformer`) and of @aiotel/node's `SpanProtobufSerializer` (`--json`: `JsonTraceSerializer`
 * and `SpanJsonSerializer`, OTLP/HTTP JSON), in a hot loop over a batch of
 * typical spans made by the SDK: a GenAI client span (16 attributes, as the instrumentation and the pricer set them,
 * the response's strings parsed anew for each call) and its HTTP attempt span (`--genai-only`: no attempt spans),
 * one batch of 512. Refuses to time when the two outputs differ by a byte. In-process, the two interleaved over
 * rounds, median printed. Ours is timed twice: giving each batch's bytes back (`release`) as the preload's transport
 * does once they are sent, and keeping them (each batch then written in new memory, as when a send is still out).
 *   node src/span-serializer.ts [--rounds N] [--batches N] [--spans N] [--genai-only] [--json]
 * Loads this checkout's source of the serializer (packages/node/src), so it needs no build.
 */
import { registerHooks } from 'node:module';
import { parseArgs } from 'node:util';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { median } from './stats.ts';

interface Serializer {
  serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined;
  release?(data: Uint8Array): void;
}

// The package's source imports its siblings as `./x.js` (for its build): let Node find the `.ts` beside.
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js'))
        return next(`${specifier.slice(0, -3)}.ts`, context);
      throw error;
    }
  },
});

/** A batch as the preload's BatchSpanProcessor hands it over: GenAI spans, each with the HTTP attempt under it. */
function batch(count: number, attempts: boolean): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const genai = provider.getTracer('@aiotel/instrumentation-openai', '0.1.0');
  const http = provider.getTracer('@aiotel/node', '0.1.0');
  for (let i = 0; exporter.getFinishedSpans().length < count; i++) {
    const span = genai.startSpan('chat gpt-4o-mini', {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'server.address': '127.0.0.1',
        'server.port': 4000,
        'gen_ai.request.max_tokens': 16,
      },
    });
    if (attempts) {
      http
        .startSpan('POST', {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': 'POST',
            'url.full': 'http://127.0.0.1:4000/v1/chat/completions',
            'server.address': '127.0.0.1',
            'server.port': 4000,
            'http.response.status_code': 200,
          },
        })
        .end();
    }
    const response = JSON.parse(`{"id":"chatcmpl-${i}","model":"gpt-4o-mini-2024-07-18"}`) as Record<
      string,
      string
    >;
    span.setAttributes({
      'gen_ai.response.id': response.id,
      'gen_ai.response.model': response.model,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 6,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.usage.cost.amount': 0.0000066,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'local',
    });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  }
  return exporter.getFinishedSpans().slice(0, count);
}

/** µs per span of `batches` serializations of the batch, each given back (`release`) when `giveBack`. */
function time(serializer: Serializer, spans: ReadableSpan[], batches: number, giveBack: boolean): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < batches; i++) {
    const bytes = serializer.serializeRequest(spans);
    if (giveBack && bytes) serializer.release?.(bytes);
  }
  return Number(process.hrtime.bigint() - start) / 1000 / batches / spans.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '7' },
      batches: { type: 'string', default: '100' },
      spans: { type: 'string', default: '512' },
      'genai-only': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const rounds = Number(values.rounds);
  const batches = Number(values.batches);
  const spans = batch(Number(values.spans), !values['genai-only']);
  const json = values.json;
  const module = json ? 'span-json' : 'span-protobuf';
  const source = new URL(`../../packages/node/src/${module}.ts`, import.meta.url).href;
  const exports = (await import(source)) as Record<string, new () => Serializer>;
  const Ours = json ? exports.SpanJsonSerializer : exports.SpanProtobufSerializer;
  if (!Ours) throw new Error(`${module}.ts exports no serializer`);
  const sides = [
    {
      name: json ? 'JsonTraceSerializer (upstream)' : 'ProtobufTraceSerializer (upstream)',
      serializer: (json ? JsonTraceSerializer : ProtobufTraceSerializer) as Serializer,
      giveBack: false,
      us: [] as number[],
    },
    {
      name: `${json ? 'SpanJsonSerializer' : 'SpanProtobufSerializer'} (@aiotel/node, given back)`,
      serializer: new Ours(),
      giveBack: true,
      us: [] as number[],
    },
    {
      name: `${json ? 'SpanJsonSerializer' : 'SpanProtobufSerializer'} (@aiotel/node, kept)`,
      serializer: new Ours(),
      giveBack: false,
      us: [] as number[],
    },
  ];
  const [upstream, ...ours] = sides.map(
    (side) => side.serializer.serializeRequest(spans) ?? new Uint8Array(),
  );
  if (!upstream || ours.some((bytes) => Buffer.compare(upstream, bytes) !== 0)) {
    throw new Error('the serializers disagree on this batch: nothing to compare');
  }
  for (const side of sides) time(side.serializer, spans, batches, side.giveBack); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) side.us.push(time(side.serializer, spans, batches, side.giveBack));
  }
  const perSpan = (upstream.length / spans.length).toFixed(0);
  const kinds = values['genai-only'] ? 'GenAI spans' : 'GenAI and HTTP attempt spans';
  console.log(`${spans.length} ${kinds} per batch, ${perSpan} B/span, ${rounds} rounds`);
  for (const side of sides) console.log(`${side.name.padEnd(52)} ${median(side.us).toFixed(2)} µs/span`);
}

await main();
