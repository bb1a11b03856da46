// @ts-check
/**
 * A plain openai app: no aiotel import, no telemetry code. Started with
 * `node --import @aiotel/node/register src/app.mjs`, its calls become GenAI spans and metrics exported over
 * OTLP/HTTP (to OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318).
 */
import { startFakeLlm } from '@aiotel/fake-llm';
import OpenAI from 'openai';

// Only the test bed: a fake server when no real API is configured.
const useRealApi = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const fake = useRealApi ? undefined : await startFakeLlm({ latency: false });
const client = new OpenAI(fake ? { baseURL: fake.url, apiKey: 'fake-key' } : {});

const completion = await client.chat.completions.create({
  model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is OpenTelemetry, in one sentence?' }],
});
console.log(completion.choices[0]?.message.content);
console.log(`tokens: ${completion.usage?.prompt_tokens} in, ${completion.usage?.completion_tokens} out`);
await fake?.close();
console.log(
  'telemetry: to print it here (a line per span and per metric), OTEL_TRACES_EXPORTER=console ' +
    'OTEL_METRICS_EXPORTER=console pnpm --filter ./examples/preload start; to browse it, docker compose up -d and ' +
    'open Jaeger (http://localhost:16686) and Grafana (http://localhost:3000)',
);
