/**
 * What a shared store costs per call: the same resilient client (default policies, bulkhead 50) with and without
 * `store: redisStore(redis)`, against a stub fetch (no network), each mode in its own process, interleaved over
 * rounds. Reports the median CPU µs per call of each, the difference, and the Redis round trips per call (the
 * commands the store sends, each awaited; the commands inside its Lua scripts run in Redis and are not counted).
 *   node src/store-cost.ts [--rounds N] [--calls N] [--json]
 * Needs Debian's redis-server (apt-get install redis-server, or .ci/redis.sh); starts its own on a free port.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { median } from './stats.ts';

export interface StoreCost {
  /** CPU µs per call of the kit without a store (median over rounds). */
  readonly kitUs: number;
  /** The same with the Redis store. */
  readonly storeUs: number;
  /** Redis commands (= sequential round trips) per call with the store. */
  readonly roundTripsPerCall: number;
  /** Wall-clock µs per call with the store, sequential calls (loopback Redis). */
  readonly storeWallUs: number;
  readonly kitWallUs: number;
  readonly calls: number;
  readonly rounds: number;
}

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 6, total_tokens: 26 },
});

/** Counts the commands the store sends (each awaited: one round trip each); scripts' inner commands are not sent. */
function counted(redis: Redis): { client: Redis; sent: () => number } {
  let sent = 0;
  const client = new Proxy(redis, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || !['evalsha', 'eval', 'get', 'hmget', 'zrem'].includes(String(name)))
        return value;
      return (...args: unknown[]) => {
        sent++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client, sent: () => sent };
}

async function child(
  mode: string,
  calls: number,
  redisPort: number,
): Promise<{ cpuUs: number; wallUs: number; roundTrips: number }> {
  const stub = async (): Promise<Response> =>
    new Response(COMPLETION, { headers: { 'content-type': 'application/json' } });
  globalThis.fetch = stub as unknown as typeof fetch;
  const { OpenAI } = await import('openai');
  const { resilient } = await import('@aiotel/resilience');
  const { redisStore } = await import('@aiotel/resilience-redis');
  const redis = mode === 'store' ? new Redis({ port: redisPort, host: '127.0.0.1' }) : undefined;
  const counter = redis && counted(redis);
  const client = resilient(new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k' }), {
    bulkhead: { limit: 50, queue: 1000 },
    ...(counter ? { store: redisStore(counter.client, { prefix: 'bench:' }) } : {}),
  });
  const params = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: 'hi' }],
    max_tokens: 16,
  };
  for (let i = 0; i < Math.max(10, calls / 4); i++) await client.chat.completions.create(params);
  const sentBefore = counter?.sent() ?? 0;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < calls; i++) await client.chat.completions.create(params);
  const cpu = process.cpuUsage(cpuStart);
  const wallUs = ((performance.now() - wallStart) * 1000) / calls;
  const roundTrips = ((counter?.sent() ?? 0) - sentBefore) / calls;
  redis?.disconnect();
  return { cpuUs: (cpu.user + cpu.system) / calls, wallUs, roundTrips };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<{ proc: ChildProcess; client: Redis }> {
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  proc.on('error', (err) => {
    console.error(
      `store-cost: redis-server could not start (apt-get install redis-server, or .ci/redis.sh): ${err.message}`,
    );
    process.exit(1);
  });
  const client = new Redis({ port, host: '127.0.0.1', retryStrategy: (n) => (n > 100 ? null : 50) });
  // Refused until redis-server listens: retried.
  client.on('error', () => undefined);
  await client.ping();
  return { proc, client };
}

function runChild(script: string, mode: string, calls: number, port: number) {
  return new Promise<{ cpuUs: number; wallUs: number; roundTrips: number }>((resolve, reject) => {
    const proc = fork(script, ['--child', mode, '--calls', String(calls), '--port', String(port)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    proc.on('message', resolve);
    proc.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`${mode} exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      calls: { type: 'string' },
      child: { type: 'string' },
      port: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const calls = Number(values.calls ?? 5000);
  if (values.child) {
    const result = await child(values.child, calls, Number(values.port));
    process.send?.(result);
    process.disconnect?.();
    return;
  }
  const rounds = Number(values.rounds ?? 5);
  const port = await freePort();
  const { proc, client } = await startRedis(port);
  const script = fileURLToPath(import.meta.url);
  const kit: { cpuUs: number; wallUs: number }[] = [];
  const store: { cpuUs: number; wallUs: number; roundTrips: number }[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      kit.push(await runChild(script, 'kit', calls, port));
      store.push(await runChild(script, 'store', calls, port));
    }
  } finally {
    client.disconnect();
    proc.kill();
  }
  const result: StoreCost = {
    kitUs: median(kit.map((k) => k.cpuUs)),
    storeUs: median(store.map((s) => s.cpuUs)),
    roundTripsPerCall: median(store.map((s) => s.roundTrips)),
    kitWallUs: median(kit.map((k) => k.wallUs)),
    storeWallUs: median(store.map((s) => s.wallUs)),
    calls,
    rounds,
  };
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(
    `Shared store (Redis on loopback), ${calls} sequential calls x ${rounds} rounds, medians:\n` +
      `  CPU per call:    kit ${result.kitUs.toFixed(1)} µs, kit + redisStore ${result.storeUs.toFixed(1)} µs (+${(result.storeUs - result.kitUs).toFixed(1)})\n` +
      `  wall per call:   kit ${result.kitWallUs.toFixed(0)} µs, kit + redisStore ${result.storeWallUs.toFixed(0)} µs\n` +
      `  Redis round trips per call: ${result.roundTripsPerCall.toFixed(2)}`,
  );
}

main().catch((err: unknown) => {
  console.error(`store-cost: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
