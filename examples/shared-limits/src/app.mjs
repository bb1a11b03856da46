// @ts-check
/**
 * One limit for a fleet: 3 worker processes (pods, in production) each send 20 calls at once, and the server never
 * sees more than 4 in flight, because their bulkhead lives in Redis (`redisStore()` of @aiotel/resilience-redis).
 * Redis: REDIS_URL (e.g. `docker compose up -d redis` then redis://localhost:6379), else a redis-server started here.
 */
import { fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startFakeLlm } from '@aiotel/fake-llm';
import { resilient } from '@aiotel/resilience';
import { redisStore } from '@aiotel/resilience-redis';
import { Redis } from 'ioredis';
import OpenAI from 'openai';

const LIMIT = 4;
const WORKERS = 3;
const CALLS = Number(process.env.CALLS_PER_WORKER ?? 20);

if (process.argv[2] === '--worker') await worker();
else await main();

/** One worker: a resilient client whose bulkhead is shared through Redis; all its calls at once. */
async function worker() {
  const redis = new Redis(/** @type {string} */ (process.env.REDIS_URL));
  const client = resilient(
    new OpenAI(process.env.FAKE_URL ? { baseURL: process.env.FAKE_URL, apiKey: 'fake-key' } : {}),
    { bulkhead: { limit: LIMIT }, store: redisStore(redis, { prefix: 'example-shared-limits:' }) },
  );
  const model = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';
  await Promise.all(
    Array.from({ length: CALLS }, (_, i) =>
      client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: `Give a one-word name for task ${i + 1}.` }],
        max_tokens: 8,
      }),
    ),
  );
  redis.disconnect();
}

async function main() {
  const useRealApi = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
  const fake = useRealApi ? undefined : await startFakeLlm({ latency: { ttftMs: 100, tokenMs: 2 } });
  const redis = process.env.REDIS_URL ? undefined : await startRedisServer();
  const redisUrl = process.env.REDIS_URL ?? `redis://127.0.0.1:${redis?.port}`;
  const started = performance.now();
  try {
    const script = fileURLToPath(import.meta.url);
    const env = { ...process.env, REDIS_URL: redisUrl, ...(fake ? { FAKE_URL: fake.url } : {}) };
    const exits = Array.from(
      { length: WORKERS },
      () =>
        new Promise((resolve, reject) => {
          fork(script, ['--worker'], { env }).on('exit', (code) =>
            code === 0 ? resolve(code) : reject(new Error(`a worker exited with ${code}`)),
          );
        }),
    );
    await Promise.all(exits);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(`${WORKERS} workers answered ${WORKERS * CALLS} calls in ${seconds} s`);
    if (fake) {
      console.log(
        `most requests in flight at once, as the server saw them: ${fake.stats().maxInFlight} (one limit of ${LIMIT} for all ${WORKERS} workers)`,
      );
    }
  } finally {
    await fake?.close();
    redis?.stop();
  }
}

/** Debian's redis-server on a free loopback port, without persistence. */
async function startRedisServer() {
  const port = await new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(address.port));
    });
    server.on('error', reject);
  });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((resolve, reject) => {
    child.once('error', () =>
      reject(
        new Error(
          'redis-server not found: set REDIS_URL (docker compose up -d redis) or apt-get install redis-server',
        ),
      ),
    );
    child.once('spawn', resolve);
  });
  // Ready once a PING is answered: the client retries the connection every 50 ms (for up to 10 s) and holds the
  // PING until then. (Calling connect() again after a failure races ioredis's own reconnect: "already connecting".)
  const probe = new Redis({
    port: Number(port),
    host: '127.0.0.1',
    retryStrategy: (times) => (times > 200 ? null : 50),
    maxRetriesPerRequest: null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.ping();
  } catch {
    child.kill();
    throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 10 s`);
  } finally {
    probe.disconnect();
  }
  return { port, stop: () => child.kill() };
}
