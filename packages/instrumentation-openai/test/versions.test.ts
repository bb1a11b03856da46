// The same behaviour on every supported major of `openai`, loaded side by side in one process and
// patched by one instrumentation through the CJS require hook (ESM is covered by spawned.test.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isOpenAIInstrumented } from '../src/index.js';
import {
  chunkDifferences,
  endedSpanWarnings,
  type OpenAIModule,
  type OpenAIPackage,
  startTestBed,
  type TestBed,
} from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] };

async function collect(stream: AsyncIterable<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: Record<string, unknown>[] = [];
  for await (const chunk of stream) chunks.push(chunk as Record<string, unknown>);
  return chunks;
}

const packages: { pkg: OpenAIPackage; major: string }[] = [
  { pkg: 'openai', major: '7' },
  { pkg: 'openai6', major: '6' },
  { pkg: 'openai5', major: '5' },
  { pkg: 'openai4', major: '4' },
];

for (const { pkg, major } of packages) {
  describe(`openai ${major}.x (${pkg})`, () => {
    let client: OpenAIModule;
    beforeAll(() => {
      const loaded = bed.load(pkg);
      client = loaded.client;
      const main = createRequire(import.meta.url).resolve(pkg);
      const { version } = JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8'));
      expect(version).toMatch(new RegExp(`^${major}\\.`));
    });

    it('traces chat completions with usage', async () => {
      const result = await client.chat.completions.create(chat);
      const [span] = await bed.waitForSpans(1);
      expect(span?.name).toBe('chat gpt-4o-mini');
      expect(span?.attributes['gen_ai.usage.input_tokens']).toBe(result.usage.prompt_tokens);
      expect(span?.attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(0);
    });

    it('traces streamed chat with injected usage hidden from the caller', async () => {
      const chunks = await collect(await client.chat.completions.create({ ...chat, stream: true }));
      expect(chunks.length).toBeGreaterThan(2);
      expect(chunks.every((c) => c.usage === undefined && (c.choices as unknown[]).length > 0)).toBe(true);
      const [span] = await bed.waitForSpans(1);
      expect(span?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    });

    it('gives the caller the same stream chunks as without the instrumentation', async () => {
      bed.instrumentation.disable();
      const plain = await collect(await client.chat.completions.create({ ...chat, stream: true }));
      bed.instrumentation.enable();
      const observed = await collect(await client.chat.completions.create({ ...chat, stream: true }));
      expect(chunkDifferences(observed, plain)).toEqual([]);
      expect(bed.spans()).toHaveLength(1);
    });

    it('ends one span for tee and for an early break', async () => {
      const stream = await client.chat.completions.create({ ...chat, stream: true });
      const [left, right] = stream.tee();
      const [a, b] = await Promise.all([collect(left), collect(right)]);
      expect(b).toEqual(a);
      const broken = await client.chat.completions.create({ ...chat, stream: true });
      for await (const _chunk of broken) break;
      const spans = await bed.waitForSpans(2);
      expect(spans).toHaveLength(2);
      expect(endedSpanWarnings(bed.diag)).toEqual([]);
    });

    it('keeps withResponse and asResponse working', async () => {
      const { data, response } = await client.chat.completions.create(chat).withResponse();
      expect(response.status).toBe(200);
      expect(data.object).toBe('chat.completion');
      const raw = await client.chat.completions.create(chat).asResponse();
      expect((await raw.json()).object).toBe('chat.completion');
      const spans = await bed.waitForSpans(2);
      expect(spans).toHaveLength(2);
    });

    it('traces Responses (JSON and streamed) and embeddings', async () => {
      await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
      await collect(await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true }));
      await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' });
      const spans = await bed.waitForSpans(3);
      expect(spans.map((s) => s.name)).toEqual([
        'chat gpt-4o-mini',
        'chat gpt-4o-mini',
        'embeddings text-embedding-3-small',
      ]);
      for (const span of spans) {
        expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      }
    });

    it('traces the parse helper (beta.chat.completions.parse on 4.x) with one span', async () => {
      const completions = client.chat.completions.parse
        ? client.chat.completions
        : client.beta.chat.completions;
      const parsed = await completions.parse({ ...chat, response_format: { type: 'json_object' } });
      expect(parsed.choices[0].message).toHaveProperty('parsed');
      const spans = await bed.waitForSpans(1);
      expect(spans).toHaveLength(1);
      expect(spans[0]?.attributes['gen_ai.usage.output_tokens']).toBe(parsed.usage.completion_tokens);
    });

    it('records the status of a failed call', async () => {
      await expect(
        client.chat.completions.create(chat, { headers: { 'x-fake-fault': 'status=429' } }),
      ).rejects.toThrow();
      const [span] = await bed.waitForSpans(1);
      expect(span?.attributes['error.type']).toBe('429');
    });
  });
}

describe('unsupported openai versions', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aiotel-openai-versions-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function fakeOpenAI(app: string, version: string): void {
    const pkgDir = join(dir, app, 'node_modules', 'openai');
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: 'openai', version }));
    writeFileSync(join(pkgDir, 'index.js'), 'exports.OpenAI = class OpenAI {};');
  }

  it('are reported once through the diag logger, not silently ignored', () => {
    fakeOpenAI('a', '3.3.0');
    fakeOpenAI('b', '3.3.0');
    fakeOpenAI('c', '8.0.0');
    for (const app of ['a', 'b', 'c']) createRequire(join(dir, app, 'app.js'))('openai');
    const warnings = bed.diag.warn.filter((m) => m.includes('is not supported'));
    expect(warnings).toEqual([
      expect.stringContaining('openai 3.3.0 is not supported'),
      expect.stringContaining('openai 8.0.0 is not supported'),
    ]);
  });

  it('count as instrumented, since their problem was reported (no second warning from @aiotel/node)', () => {
    fakeOpenAI('d', '8.1.0');
    expect(isOpenAIInstrumented('8.1.0')).toBe(false);
    createRequire(join(dir, 'd', 'app.js'))('openai');
    expect(isOpenAIInstrumented('8.1.0')).toBe(true);
    expect(isOpenAIInstrumented('8.2.0')).toBe(false);
  });
});
