// What must never leave the process: the API key (anywhere in spans, events, metrics or diag logs),
// and message content unless the user opted in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => {
  bed.reset();
  bed.instrumentation.setConfig({});
});
afterAll(() => bed.close());

const SYSTEM = 'You are a discreet archivist.';
const USER = 'Whisper the password of the vault';
const INSTRUCTIONS = 'Answer like a lighthouse keeper.';

async function drain(stream: AsyncIterable<unknown>): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    const c = chunk as { choices?: { delta?: { content?: string } }[]; type?: string; delta?: string };
    text += c.choices?.[0]?.delta?.content ?? (c.type === 'response.output_text.delta' ? c.delta : '');
  }
  return text;
}

/** Every call kind, a failure among them; returns the texts the model answered. */
async function traffic(): Promise<string[]> {
  const messages = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: USER },
  ];
  const chat = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const streamed = await drain(
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }),
  );
  const response = await bed.client.responses.create({
    model: 'gpt-4o-mini',
    instructions: INSTRUCTIONS,
    input: USER,
  });
  const streamedResponse = await drain(
    await bed.client.responses.create({
      model: 'gpt-4o-mini',
      instructions: INSTRUCTIONS,
      input: USER,
      stream: true,
    }),
  );
  await bed.client.embeddings.create({ model: 'text-embedding-3-small', input: USER });
  await bed.client.chat.completions
    .create({ model: 'gpt-4o-mini', messages }, { headers: { 'x-fake-fault': 'status=401' } })
    .catch(() => undefined);
  await bed.waitForSpans(6);
  return [chat.choices[0].message.content, streamed, response.output_text, streamedResponse];
}

/** Everything the instrumentation exported or logged, as one string. */
async function exported(): Promise<string> {
  const spans = bed.spans().map((s) => ({
    name: s.name,
    attributes: s.attributes,
    events: s.events,
    status: s.status,
    links: s.links,
  }));
  const metrics = await Promise.all(
    [
      'gen_ai.client.operation.duration',
      'gen_ai.client.token.usage',
      'gen_ai.client.operation.time_to_first_chunk',
      'gen_ai.client.operation.time_per_output_chunk',
      'aiotel.gen_ai.client.tokens',
      'aiotel.gen_ai.client.cost',
      'aiotel.gen_ai.client.unpriced_calls',
    ].map((name) => bed.points(name)),
  );
  expect(spans).toHaveLength(6);
  expect(metrics.flat().length).toBeGreaterThan(10);
  return JSON.stringify({ spans, metrics: metrics.flat().map((p) => p.attributes), diag: bed.diag });
}

describe('the API key', () => {
  it('reaches no span, event, metric or diag message, with content capture on', async () => {
    bed.instrumentation.setConfig({ captureMessageContent: true });
    await traffic();
    const all = await exported();
    expect(all).toContain(USER);
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain(API_KEY.slice(3));
    expect(all).not.toMatch(/Bearer/i);
  });
});

describe('message content', () => {
  it('reaches no span, event or metric by default: no prompt, instructions or answer', async () => {
    const answers = await traffic();
    const all = await exported();
    for (const text of [SYSTEM, USER, INSTRUCTIONS, ...answers]) {
      expect(text.length).toBeGreaterThan(0);
      expect(all).not.toContain(text);
    }
    expect(all).not.toContain('gen_ai.input.messages');
    expect(all).not.toContain('gen_ai.output.messages');
    expect(all).not.toContain('gen_ai.system_instructions');
  });

  it('is captured when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true', async () => {
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    try {
      bed.instrumentation.setConfig({});
      const answers = await traffic();
      const all = await exported();
      for (const text of [SYSTEM, USER, INSTRUCTIONS, ...answers]) expect(all).toContain(text);
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    }
  });
});
