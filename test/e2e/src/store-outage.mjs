// A workload whose shared store (Redis) is down from the start: resilient calls (models.list, so no GenAI
// telemetry mixes with the demo's) go on with in-process policies, and the store's errors, outage and operation
// durations are exported through the preload. Environment: REDIS_PORT (a port nobody listens on), CALLS.
import { startFakeLlm } from '@aiotel/fake-llm';
import { resilient } from '@aiotel/resilience';
import { redisStore } from '@aiotel/resilience-redis';
import { Redis } from 'ioredis';
import OpenAI from 'openai';

const fake = await startFakeLlm({ latency: false });
const redis = new Redis({ port: Number(process.env.REDIS_PORT), host: '127.0.0.1' });
redis.on('error', () => undefined);
const client = resilient(new OpenAI({ baseURL: fake.url, apiKey: 'test' }), {
  store: redisStore(redis),
  storeTimeoutMs: 100,
});
const calls = Number(process.env.CALLS ?? 10);
let ok = 0;
for (let i = 0; i < calls; i++) {
  await client.models.list();
  ok++;
}
redis.disconnect();
await fake.close();
console.log(JSON.stringify({ ok }));
