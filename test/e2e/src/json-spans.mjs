// A workload that exports its spans as OTLP/HTTP JSON (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json, set by
// json-spans.ts), through the preload's own JSON encoder: chat calls to the fake API whose request model and captured
// messages hold what JSON must escape (quotes, backslashes, newlines, control characters, non-ASCII, an emoji), so the
// collector has to parse every escape to hand Jaeger the same text. Prints what it sent, one JSON line.
import { startFakeLlm } from '@aiotel/fake-llm';
import OpenAI from 'openai';

const MESSAGES = [
  'plain ASCII',
  'say "hi" \\ back\nthen a tab\there',
  'control \u0001 and DEL \u007f',
  'café crème, 模型の応答, ok 👍🏽',
];
const fake = await startFakeLlm({ latency: false });
const client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
const sent = [];
for (const content of MESSAGES) {
  const response = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content }],
    max_tokens: 8,
  });
  sent.push({ content, responseId: response.id, inputTokens: response.usage?.prompt_tokens });
}
await fake.close();
console.log(JSON.stringify({ sent }));
