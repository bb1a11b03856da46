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
 * `--cold` times them as a fresh process meets them instead (the bench's window, where the encoder is not yet
 * compiled): each round runs each serializer in a new child that makes `--warmup` (300) and `--spans` (2,048) spans,
 * encodes the first 300 as one batch (the warm-up's flush), then times the rest in batches of 512 given back as the
 * transport does, by the process's CPU (all threads: V8 compiles on its own) and its main thread's, per span. With
 * `--instructions` the children run under valgrind's cachegrind (src/cachegrind.ts) with and without the timed spans,
 * and the difference is the instructions per span, compilation included, the collector's apart; rounds of it still
 * spread by tens of thousands of instructions a span (26,517 to 73,142 for ours in three rounds of 2,048 JSON spans:
 * what V8 compiles, and when, in so short a run), so it wants as many rounds as CPU time does.
 * Loads this checkout's source of the serializer (packages/node/src), so it needs no build.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  collectorInstructions,
  functionCounts,
  parseSummary,
  requireValgrind,
  underCachegrind,
} from './cachegrind.ts';
import { positiveIntegerOption } from './cli.ts';
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

/** Spans per batch, as the preload's batch span processor hands them over. */
const BATCH = 512;

interface Options {
  json: boolean;
  genaiOnly: boolean;
}

/** The serializer of one side: upstream's, or ours from this checkout's source. */
async function serializerOf(side: 'upstream' | 'ours', json: boolean): Promise<Serializer> {
  if (side === 'upstream') return (json ? JsonTraceSerializer : ProtobufTraceSerializer) as Serializer;
  const module = json ? 'span-json' : 'span-protobuf';
  const source = new URL(`../../packages/node/src/${module}.ts`, import.meta.url).href;
  const exports = (await import(source)) as Record<string, new () => Serializer>;
  const Ours = json ? exports.SpanJsonSerializer : exports.SpanProtobufSerializer;
  if (!Ours) throw new Error(`${module}.ts exports no serializer`);
  return new Ours();
}

/** A side's name as printed, with `how` it was timed when there is more than one way (`given back`, `kept`). */
function sideName(side: 'upstream' | 'ours', json: boolean, how?: string): string {
  const of = how === undefined ? '' : `, ${how}`;
  if (side === 'upstream')
    return `${json ? 'JsonTraceSerializer' : 'ProtobufTraceSerializer'} (upstream${of})`;
  return `${json ? 'SpanJsonSerializer' : 'SpanProtobufSerializer'} (@aiotel/node${of})`;
}

function spanKinds(options: Options): string {
  return options.genaiOnly ? 'GenAI spans' : 'GenAI and HTTP attempt spans';
}

/** The hot loop: one batch encoded over and over by each side, interleaved, µs per span. */
async function hot(rounds: number, batches: number, count: number, options: Options): Promise<void> {
  const spans = batch(count, !options.genaiOnly);
  const { json } = options;
  const sides = [
    {
      name: sideName('upstream', json),
      serializer: await serializerOf('upstream', json),
      giveBack: false,
      us: [] as number[],
    },
    {
      name: sideName('ours', json, 'given back'),
      serializer: await serializerOf('ours', json),
      giveBack: true,
      us: [] as number[],
    },
    {
      name: sideName('ours', json, 'kept'),
      serializer: await serializerOf('ours', json),
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
  console.log(`${spans.length} ${spanKinds(options)} per batch, ${perSpan} B/span, ${rounds} rounds`);
  for (const side of sides) console.log(`${side.name.padEnd(52)} ${median(side.us).toFixed(2)} µs/span`);
}

/** What a `--cold-child` measured of its timed spans. */
export interface ColdMeasure {
  /** CPU of the whole process (every thread) and of its main thread, µs per span. */
  cpuUs: number;
  mainUs: number;
  bytes: number;
}

/**
 * One fresh process's first spans: makes `warmup` + `count` spans, encodes the first `warmup` as one batch (the flush
 * after a warm-up), then, when `encode`, the rest in batches of 512, each given back once written, with a turn of
 * the event loop between them as between exports. Prints a {@link ColdMeasure} as JSON.
 */
async function coldChild(
  side: 'upstream' | 'ours',
  warmup: number,
  count: number,
  encode: boolean,
  options: Options,
): Promise<void> {
  const serializer = await serializerOf(side, options.json);
  const spans = batch(warmup + count, !options.genaiOnly);
  const first = serializer.serializeRequest(spans.slice(0, warmup));
  if (first) serializer.release?.(first);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const cpu = process.cpuUsage();
  const main = process.threadCpuUsage();
  let bytes = 0;
  for (let i = warmup; encode && i < spans.length; i += BATCH) {
    const out = serializer.serializeRequest(spans.slice(i, i + BATCH));
    bytes += out?.length ?? 0;
    if (out) serializer.release?.(out);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const spent = process.cpuUsage(cpu);
  const spentMain = process.threadCpuUsage(main);
  const measure: ColdMeasure = {
    cpuUs: (spent.user + spent.system) / count,
    mainUs: (spentMain.user + spentMain.system) / count,
    bytes,
  };
  console.log(JSON.stringify(measure));
}

/** The child's arguments for one side (the options that shape the spans and the encoding included). */
function childArgs(side: string, warmup: number, count: number, encode: boolean, options: Options): string[] {
  return [
    fileURLToPath(import.meta.url),
    '--cold-child',
    side,
    '--warmup',
    String(warmup),
    '--spans',
    String(count),
    '--encode',
    encode ? '1' : '0',
    ...(options.json ? ['--json'] : []),
    ...(options.genaiOnly ? ['--genai-only'] : []),
  ];
}

/**
 * Instructions per span of one side's timed spans: two children under cachegrind, with and without encoding them,
 * and of those the collector's (a full collection falls in one child or not, and moves the total by tens of
 * thousands a span: the figure to compare is the rest).
 */
function coldInstructions(
  side: string,
  warmup: number,
  count: number,
  options: Options,
): { total: number; collector: number } {
  const dir = mkdtempSync(join(tmpdir(), 'span-serializer-'));
  try {
    const counted = (encode: boolean): { total: number; collector: number } => {
      const outFile = join(dir, `${side}-${encode ? 1 : 0}.cachegrind`);
      const { execPath, execArgv } = underCachegrind(outFile, []);
      execFileSync(execPath, [...execArgv, ...childArgs(side, warmup, count, encode, options)], {
        // valgrind's own notes (which cache it simulates) on stderr: shown only if the child fails.
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const text = readFileSync(outFile, 'utf8');
      return { total: parseSummary(text, outFile), collector: collectorInstructions(functionCounts(text)) };
    };
    const without = counted(false);
    const withEncoding = counted(true);
    return {
      total: (withEncoding.total - without.total) / count,
      collector: (withEncoding.collector - without.collector) / count,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--cold`: each side in fresh children, rounds interleaved, medians printed. */
function cold(rounds: number, warmup: number, count: number, instructions: boolean, options: Options): void {
  if (instructions) requireValgrind();
  // Per round, the figure a span (CPU µs, or instructions besides the collector's) and the part of it printed beside
  // (the main thread's µs, or the collector's instructions).
  const sides = (['upstream', 'ours'] as const).map((side) => ({
    side,
    perSpan: [] as number[],
    beside: [] as number[],
  }));
  for (let round = 0; round < rounds; round++) {
    for (const entry of sides) {
      if (instructions) {
        const { total, collector } = coldInstructions(entry.side, warmup, count, options);
        entry.perSpan.push(total - collector);
        entry.beside.push(collector);
        continue;
      }
      const out = execFileSync(process.execPath, childArgs(entry.side, warmup, count, true, options), {
        encoding: 'utf8',
      });
      const measure = JSON.parse(out.trim().split('\n').at(-1) ?? '') as ColdMeasure;
      entry.perSpan.push(measure.cpuUs);
      entry.beside.push(measure.mainUs);
    }
  }
  console.log(
    `cold: ${count} ${spanKinds(options)} in batches of ${BATCH} after ${warmup} encoded once, in a fresh process, ${rounds} rounds`,
  );
  for (const { side, perSpan, beside } of sides) {
    const figure = instructions
      ? `${Math.round(median(perSpan))} instructions/span besides the collector's (collector ${Math.round(median(beside))}; rounds ${perSpan.map(Math.round).join(', ')})`
      : `${median(perSpan).toFixed(2)} µs/span CPU (main thread ${median(beside).toFixed(2)}; rounds ${perSpan.map((us) => us.toFixed(2)).join(', ')})`;
    console.log(`${sideName(side, options.json).padEnd(52)} ${figure}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      batches: { type: 'string' },
      spans: { type: 'string' },
      warmup: { type: 'string' },
      'genai-only': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      cold: { type: 'boolean', default: false },
      instructions: { type: 'boolean', default: false },
      'cold-child': { type: 'string' },
      encode: { type: 'string', default: '1' },
    },
  });
  const options: Options = { json: values.json, genaiOnly: values['genai-only'] };
  const coldRun = values.cold || values['cold-child'] !== undefined;
  const count = positiveIntegerOption(values, 'spans', coldRun ? 2048 : 512);
  const rounds = positiveIntegerOption(values, 'rounds', 7);
  const warmup = positiveIntegerOption(values, 'warmup', 300);
  if (values.instructions && !values.cold)
    throw new Error('--instructions counts the --cold run: use them together');
  const child = values['cold-child'];
  if (child !== undefined) {
    if (child !== 'upstream' && child !== 'ours') throw new Error(`--cold-child ${child}: upstream or ours`);
    await coldChild(child, warmup, count, values.encode !== '0', options);
  } else if (values.cold) {
    cold(rounds, warmup, count, values.instructions, options);
  } else {
    await hot(rounds, positiveIntegerOption(values, 'batches', 100), count, options);
  }
}

await main();
