import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat completion as OpenAI answers it, with usage. */
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});

/**
 * A provider whose rate-limit window is spent: its first `spentResponses` answers say
 * `x-ratelimit-remaining-requests: 0` with `x-ratelimit-reset-requests: <resetMs>ms`; later ones leave 99. Records
 * when each request arrived, and answers a request that arrives before the reset with a 429 (a provider would).
 */
export async function startWindowServer(
  resetMs: number,
  spentResponses = 1,
  headerNames: 'openai' | 'anthropic' = 'openai',
) {
  const arrivals: number[] = [];
  let resetAt = 0;
  let early = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const now = Date.now();
      arrivals.push(now);
      if (now < resetAt) {
        early++;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': String(resetAt - now) });
        res.end(
          JSON.stringify({
            error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
          }),
        );
        return;
      }
      const spent = arrivals.length <= spentResponses;
      if (spent) resetAt = now + resetMs;
      const headers: Record<string, string> =
        headerNames === 'openai'
          ? {
              'x-ratelimit-remaining-requests': spent ? '0' : '99',
              'x-ratelimit-reset-requests': `${resetMs}ms`,
            }
          : {
              'anthropic-ratelimit-requests-remaining': spent ? '0' : '99',
              'anthropic-ratelimit-requests-reset': new Date(now + resetMs).toISOString(),
            };
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(COMPLETION);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    arrivals,
    /** Requests that arrived while the window was spent (each a 429). */
    early: () => early,
    resetAt: () => resetAt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
