// @ts-check
/**
 * Retries and error handling without a hand-written `callWithErrorHandling`: 400 and 401 are not retried and
 * reach you as the SDK's error classes with the provider's message; 429 waits for Retry-After and 529 backs off
 * with jitter, a bounded number of times; then the call succeeds.
 */
import { startFakeLlm } from '@aiotel/fake-llm';
import { resilient } from '@aiotel/resilience';
import OpenAI from 'openai';

const useRealApi = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const fakeKey = 'sk-fake-right-key';
const fake = useRealApi ? undefined : await startFakeLlm({ latency: false, apiKey: fakeKey });
const connection = fake ? { baseURL: fake.url, apiKey: fakeKey } : {};
const policies = { retry: { maxRetries: 3, initialDelayMs: 200, maxDelayMs: 30_000 } };
const client = resilient(new OpenAI(connection), policies);
const model = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';
const messages = /** @type {const} */ ([{ role: 'user', content: 'Say hello.' }]);

/**
 * What an app would tell its user or log, by error kind.
 *
 * @param {unknown} error
 */
function explain(error) {
  if (error instanceof OpenAI.BadRequestError)
    return `request format error (400, not retried): ${error.message}`;
  if (error instanceof OpenAI.AuthenticationError) {
    return `invalid API key, check configuration (401, not retried): ${error.message}`;
  }
  if (error instanceof OpenAI.APIError) return `API error ${error.status ?? ''}: ${error.message}`;
  return `unexpected: ${String(error)}`;
}

/**
 * @param {string} title
 * @param {() => Promise<unknown>} call
 */
async function show(title, call) {
  const started = performance.now();
  const requestsBefore = fake?.stats().requests.length ?? 0;
  let result;
  try {
    await call();
    result = 'ok';
  } catch (error) {
    result = explain(error);
  }
  const requests = fake ? `, ${fake.stats().requests.length - requestsBefore} request(s)` : '';
  const ms = Math.round(performance.now() - started);
  console.log(`${title}: ${result} (${ms} ms${requests})`);
}

// 400: an invalid parameter (the real API rejects temperature 9 too; the fake is told by its fault header).
await show('400 bad request', () =>
  client.chat.completions.create(
    { model, messages: [...messages], temperature: 9 },
    { headers: { 'x-fake-fault': 'status=400' } },
  ),
);

// 401: a wrong key.
const wrongKey = resilient(new OpenAI({ ...connection, apiKey: 'sk-wrong-key' }), policies);
await show('401 wrong key', () => wrongKey.chat.completions.create({ model, messages: [...messages] }));

if (fake) {
  // 429 once, asking to wait 1 s: the call waits, retries and succeeds.
  await show('429 with Retry-After: 1', () =>
    client.chat.completions.create(
      { model, messages: [...messages] },
      {
        headers: {
          'x-fake-fault': 'status=429; retry-after=1',
          'x-fake-scenario': 'r429',
          'x-fake-fault-times': '1',
        },
      },
    ),
  );
  // 529 (overloaded) twice: exponential backoff with jitter, then success.
  await show('529 overloaded twice', () =>
    client.chat.completions.create(
      { model: 'claude-sonnet-4-5', messages: [...messages] },
      { headers: { 'x-fake-fault': 'status=529', 'x-fake-scenario': 'r529', 'x-fake-fault-times': '2' } },
    ),
  );
  await fake.close();
} else {
  console.log(
    '429 and 529 cannot be provoked on a real API: run without OPENAI_API_KEY to see them on the fake',
  );
}
console.log(
  'telemetry: to print it here (a line per span and per metric), OTEL_TRACES_EXPORTER=console ' +
    'OTEL_METRICS_EXPORTER=console pnpm --filter ./examples/retries start; to browse it, docker compose up -d and ' +
    'open Jaeger (http://localhost:16686) and Grafana (http://localhost:3000)',
);
