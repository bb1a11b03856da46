// @ts-check
/**
 * Cost per feature without a hand-kept ledger: wrap each feature's code in `withAttributes()`, and every GenAI
 * span (and, with AIOTEL_METRIC_ATTRIBUTES, every cost metric point) carries `app.feature` next to
 * `gen_ai.usage.cost.amount`. Group by it in your trace or metrics backend.
 */
import { priceCall, usageFromOpenAI } from '@aiotel/cost';
import { startFakeLlm } from '@aiotel/fake-llm';
import { withAttributes } from '@aiotel/instrumentation-openai';
import OpenAI from 'openai';

const useRealApi = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const fake = useRealApi ? undefined : await startFakeLlm({ latency: false });
const client = new OpenAI(fake ? { baseURL: fake.url, apiKey: 'fake-key' } : {});
const cheap = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';
const strong = process.env.OPENAI_STRONG_MODEL ?? (useRealApi ? cheap : 'gpt-4o');

/**
 * One call of a feature; the attribution is the `withAttributes()` around it, nothing else.
 *
 * @param {string} feature
 * @param {string} model
 * @param {string} prompt
 */
function ask(feature, model, prompt) {
  return withAttributes({ 'app.feature': feature, 'app.tenant': 'acme' }, () =>
    client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], max_tokens: 60 }),
  );
}

const calls = [
  ...['Best hiking boots?', 'Waterproof tent under 2 kg?', 'Stove for winter?'].map((prompt) => ({
    feature: 'search',
    model: cheap,
    prompt,
  })),
  ...['Hi! Where is my order?', 'Can I change the address?'].map((prompt) => ({
    feature: 'support-chat',
    model: cheap,
    prompt,
  })),
  {
    feature: 'summarize',
    model: strong,
    prompt: 'Summarise this thread about a delayed shipment and a refund request in three lines.',
  },
];

/** @type {Map<string, { calls: number, usd: number }>} */
const byFeature = new Map();
for (const { feature, model, prompt } of calls) {
  const completion = await ask(feature, model, prompt);
  // Only to print the table below: the span already carries this cost (gen_ai.usage.cost.amount).
  const usage = usageFromOpenAI(completion.usage);
  const usd = usage ? (priceCall(usage, model)?.amountUsd ?? 0) : 0;
  const entry = byFeature.get(feature) ?? { calls: 0, usd: 0 };
  byFeature.set(feature, { calls: entry.calls + 1, usd: entry.usd + usd });
}

console.log('cost per app.feature (what a dashboard grouped by app.feature shows):');
for (const [feature, { calls: n, usd }] of byFeature) {
  console.log(
    `  ${feature.padEnd(13)} ${String(n).padStart(2)} ${n === 1 ? 'call ' : 'calls'}  $${usd.toFixed(6)}`,
  );
}
await fake?.close();
