// @ts-check
/**
 * A concurrency limit without a hand-written Semaphore: 50 tasks, at most 5 requests in flight, the rest wait
 * in the bulkhead's queue instead of failing.
 */
import { startFakeLlm } from '@aiotel/fake-llm';
import { resilient } from '@aiotel/resilience';
import OpenAI from 'openai';

const useRealApi = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const fake = useRealApi ? undefined : await startFakeLlm({ latency: { ttftMs: 50, tokenMs: 2 } });
const client = resilient(new OpenAI(fake ? { baseURL: fake.url, apiKey: 'fake-key' } : {}), {
  bulkhead: { limit: 5, queue: 100 },
});
const model = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';
const tasks = Number(process.env.TASKS ?? 50);

const started = performance.now();
const answers = await Promise.all(
  Array.from({ length: tasks }, (_, i) =>
    client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: `Give a one-word name for task ${i + 1}.` }],
      max_tokens: 8,
    }),
  ),
);
const seconds = ((performance.now() - started) / 1000).toFixed(2);
console.log(`${answers.length} tasks answered in ${seconds} s`);
if (fake) {
  console.log(`most requests in flight at once, as the server saw them: ${fake.stats().maxInFlight}`);
  await fake.close();
}
console.log(
  'telemetry: to print it here (a line per span and per metric), OTEL_TRACES_EXPORTER=console ' +
    'OTEL_METRICS_EXPORTER=console pnpm --filter ./examples/concurrency start; to browse it, docker compose up -d and ' +
    'open Jaeger (http://localhost:16686) and Grafana (http://localhost:3000)',
);
