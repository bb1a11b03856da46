// @ts-check
/**
 * Streaming with `for await`, resilient and traced: the stream is retried only before its first chunk, a stream
 * that breaks half-way ends with a typed error instead of a raw `TypeError: terminated`, and a silent stream is
 * ended by the idle timeout.
 */
import { startFakeLlm } from '@aiotel/fake-llm';
import { resilient } from '@aiotel/resilience';
import OpenAI from 'openai';

// A real API when OPENAI_API_KEY or OPENAI_BASE_URL is set (the SDK reads them), else the fake server.
const useRealApi = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const fake = useRealApi ? undefined : await startFakeLlm({ latency: { ttftMs: 100, tokenMs: 10 } });
const client = resilient(new OpenAI(fake ? { baseURL: fake.url, apiKey: 'fake-key' } : {}), {
  timeout: { firstChunkMs: 10_000, idleMs: 5_000 },
});
const model = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Write a haiku about retries.' }],
  stream: true,
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
}
process.stdout.write('\n');

if (fake) {
  // The fake server drops the connection after 5 chunks: the loop ends with an error you can name.
  let received = '';
  try {
    const broken = await client.chat.completions.create(
      { model, messages: [{ role: 'user', content: 'Tell me a long story.' }], stream: true },
      { headers: { 'x-fake-fault': 'cut-after=5' } },
    );
    for await (const chunk of broken) received += chunk.choices[0]?.delta?.content ?? '';
    console.log('the broken stream ended without an error (unexpected)');
  } catch (error) {
    const name = error instanceof Error ? error.constructor.name : String(error);
    console.log(`stream broke after ${received.length} characters: ${name}`);
  }
  await fake.close();
}
console.log(
  'telemetry: to print it here (a line per span and per metric), OTEL_TRACES_EXPORTER=console ' +
    'OTEL_METRICS_EXPORTER=console pnpm --filter ./examples/streaming start; to browse it, docker compose up -d and ' +
    'open Jaeger (http://localhost:16686) and Grafana (http://localhost:3000)',
);
