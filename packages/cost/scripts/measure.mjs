// Quick per-call cost measurement (not a benchmark suite: those live in bench/). Run after `pnpm build`:
//   node packages/cost/scripts/measure.mjs
import { calcPrice } from '@pydantic/genai-prices';
import { createPricer, inferProvider, usageFromOpenAI } from '../dist/index.mjs';

const N = 200_000;
const usage = { inputTokens: 12_000, outputTokens: 800, cacheReadTokens: 4_000, reasoningTokens: 300 };
const libUsage = {
  input_tokens: 12_000,
  output_tokens: 800,
  cache_read_tokens: 4_000,
  output_reasoning_tokens: 300,
};
const raw = {
  prompt_tokens: 12_000,
  completion_tokens: 800,
  prompt_tokens_details: { cached_tokens: 4_000 },
  completion_tokens_details: { reasoning_tokens: 300 },
};
const pricer = createPricer({ pricesFile: false });
const relay = { baseUrl: 'https://llm-relay.example.com/v1' };

function measure(name, n, fn) {
  for (let i = 0; i < Math.min(n, 10_000); i++) fn(i); // warm up the JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - start) / n;
  console.log(`${name.padEnd(66)} ${(ns / 1000).toFixed(3).padStart(8)} µs/call`);
}

console.log(`node ${process.version}, ${N} calls each`);
measure('calcPrice gpt-4o (genai-prices directly)', N / 20, () =>
  calcPrice(libUsage, 'gpt-4o', { providerId: 'openai' }),
);
measure('calcPrice claude-sonnet-4-5 (genai-prices directly)', N / 20, () =>
  calcPrice(libUsage, 'claude-sonnet-4-5', { providerId: 'anthropic' }),
);
measure('calcPrice unknown model (genai-prices directly)', N / 20, () =>
  calcPrice(libUsage, 'nope', { providerId: 'openai' }),
);
measure('pricer.price gpt-4o, cached lookup, provider given', N, () =>
  pricer.price(usage, 'gpt-4o', { provider: 'openai' }),
);
measure('pricer.price claude-sonnet-4-5 via relay (inferProvider + lookup)', N, () =>
  pricer.price(usage, 'claude-sonnet-4-5', relay),
);
measure('pricer.price deepseek-chat (time-of-day prices)', N, () =>
  pricer.price(usage, 'deepseek-chat', relay),
);
measure('pricer.price unknown model (cached miss)', N, () => pricer.price(usage, 'nope', relay));
measure('pricer.price first lookup (cache cleared every call)', N / 50, () => {
  pricer.clearCache();
  pricer.price(usage, 'gpt-4o-2024-08-06', relay);
});
measure('inferProvider (cached)', N, () => inferProvider({ model: 'gpt-4o', baseUrl: relay.baseUrl }));
measure('usageFromOpenAI (chat usage with details)', N, () => usageFromOpenAI(raw));
