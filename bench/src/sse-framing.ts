/**
 * What the openai SDK's framing of a stream's server-sent events costs, alone, by how the bytes arrive: the bench's
 * fake API writes a 500-chunk stream at once and the client reads it in a few large reads (about 0.2, 32, 64 and up to
 * 128 KiB over loopback), while a real API's events arrive spread over the answer, a few per read. openai's
 * `iterSSEChunks` copies what remains of a read after every event it cuts out, so its work grows with the read's size.
 *   node src/sse-framing.ts [--sdk 6|7] [--streams N] [--warmup N] [--rounds N] [--reads 200,32768,65536]
 * The stream's bytes are the fake API's own answer to the bench's streaming request (500 chunks, the usage asked for,
 * as ours asks), fetched once from `@aiotel/fake-llm` in this process; then `_iterSSEMessages` (the SDK's framing, up
 * to the SSE messages, before its JSON parsing) reads them from an in-memory body, split as `--reads` gives (the rest
 * in the last read) and one event per read, in alternating rounds. Prints the CPU µs per stream of each.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeLlm } from '@aiotel/fake-llm';
import { positiveIntegerOption } from './cli.ts';
import { BENCH_DIR } from './runtime.ts';
import { median } from './stats.ts';
import { streamOptions, streamParams } from './workloads.ts';

type FrameSse = (
  response: { body: ReadableStream<Uint8Array> },
  controller: AbortController,
) => AsyncIterable<unknown>;

/** The SDK's framing of SSE messages, from the workspace's openai 7 or the peers' openai 6. */
export function loadFraming(sdk: 6 | 7): FrameSse {
  const from =
    sdk === 6 ? join(BENCH_DIR, 'peers/otel-contrib/package.json') : join(BENCH_DIR, 'package.json');
  const streaming = createRequire(from)('openai/core/streaming') as { _iterSSEMessages?: FrameSse };
  if (typeof streaming._iterSSEMessages !== 'function') {
    throw new Error(
      `openai ${sdk} has no _iterSSEMessages in openai/core/streaming: this tool needs openai 6 or 7`,
    );
  }
  return streaming._iterSSEMessages;
}

/** The bytes split into reads of the given sizes, the rest in a last read. */
export function splitReads(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const reads: Uint8Array[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) break;
    reads.push(bytes.slice(at, at + size));
    at += size;
  }
  if (at < bytes.length) reads.push(bytes.slice(at));
  return reads;
}

/** The bytes split after every event (`\n\n`), as a real API's spaced events arrive. */
export function splitEvents(bytes: Uint8Array): Uint8Array[] {
  const reads: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) {
      reads.push(bytes.slice(from, i + 2));
      from = i + 2;
      i++;
    }
  }
  if (from < bytes.length) reads.push(bytes.slice(from));
  return reads;
}

/** Frames one stream delivered as `reads`; returns how many SSE messages the SDK cut out. */
export async function frameStream(frame: FrameSse, reads: readonly Uint8Array[]): Promise<number> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const read of reads) controller.enqueue(read);
      controller.close();
    },
  });
  let messages = 0;
  for await (const _ of frame({ body }, new AbortController())) messages++;
  return messages;
}

/** The fake API's answer to the bench's streaming request, as bytes. */
async function fakeStreamBytes(chunks: number): Promise<Uint8Array> {
  const fake = await startFakeLlm({ latency: false });
  try {
    const response = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...streamOptions(chunks).headers },
      body: JSON.stringify({ ...streamParams(chunks), stream_options: { include_usage: true } }),
    });
    if (!response.ok) throw new Error(`the fake API answered ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } finally {
    await fake.close();
  }
}

async function cpuPerStream(frame: FrameSse, reads: readonly Uint8Array[], streams: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < streams; i++) await frameStream(frame, reads);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / streams;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sdk: { type: 'string', default: '6' },
      streams: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      reads: { type: 'string', default: '200,32768,65536' },
      chunks: { type: 'string' },
    },
  });
  if (values.sdk !== '6' && values.sdk !== '7') throw new Error(`--sdk takes 6 or 7, not ${values.sdk}`);
  const sdk = values.sdk === '7' ? 7 : 6;
  const sizes = values.reads.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`--reads takes positive byte counts (200,32768,65536), got "${values.reads}"`);
  }
  const streams = positiveIntegerOption(values, 'streams', 200);
  const warmup = positiveIntegerOption(values, 'warmup', 50);
  const rounds = positiveIntegerOption(values, 'rounds', 3);
  const chunks = positiveIntegerOption(values, 'chunks', 500);
  const frame = loadFraming(sdk);
  const bytes = await fakeStreamBytes(chunks);
  const bursts = splitReads(bytes, sizes);
  const ways = [
    { name: `in ${bursts.length} reads (${bursts.map((r) => r.length).join(', ')} B)`, reads: bursts },
    { name: 'one event per read', reads: splitEvents(bytes) },
  ];
  const expected = await frameStream(frame, ways[1]!.reads);
  for (const way of ways) {
    const got = await frameStream(frame, way.reads);
    if (got !== expected)
      throw new Error(`${way.name}: ${got} messages framed, ${expected} one event per read`);
    for (let i = 0; i < warmup; i++) await frameStream(frame, way.reads);
  }
  const results = ways.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, way] of ways.entries()) results[i]?.push(await cpuPerStream(frame, way.reads, streams));
  }
  console.log(
    `openai ${sdk}: one stream of ${bytes.length} B (${expected} SSE messages), ${streams} streams × ${rounds} rounds`,
  );
  for (const [i, way] of ways.entries()) {
    const runs = results[i] ?? [];
    console.log(
      `  ${way.name.padEnd(40)} ${median(runs).toFixed(0)} µs CPU per stream (${runs.map((v) => v.toFixed(0)).join(', ')})`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
