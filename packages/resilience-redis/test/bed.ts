import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type RedisServer, startRedis } from './redis-server.js';
import { startWorkers, type Worker, type WorkerConfig } from './workers.js';

/** A real redis-server and a zero-latency fake LLM server, started once per test file. */
export function useRedisAndFake(): { readonly redis: RedisServer; readonly fake: FakeLlm } {
  const bed = {} as { redis: RedisServer; fake: FakeLlm };
  beforeAll(async () => {
    bed.redis = await startRedis();
    bed.fake = await startFakeLlm({ latency: false });
  });
  afterAll(async () => {
    await bed.fake?.close();
    await bed.redis?.close();
  });
  return bed;
}

let prefixSeq = 0;

/**
 * Worker processes on the bed's Redis and fake server, closed after each test (then the fake is reset); each
 * `spawn` gets its own key prefix, so tests never see each other's state. `afterEachTest` runs before the close.
 */
export function useWorkers(
  bed: { readonly redis: RedisServer; readonly fake: FakeLlm },
  afterEachTest: (workers: readonly Worker[]) => void = () => undefined,
) {
  let workers: Worker[] = [];
  afterEach(async () => {
    const these = workers;
    workers = [];
    try {
      afterEachTest(these);
    } finally {
      await Promise.all(these.map((w) => w.close()));
      bed.fake.reset();
    }
  });
  return {
    /** The configuration for `options` (fake server by default), with a fresh key prefix. */
    config(options: WorkerConfig['options'], baseURL = bed.fake.url): WorkerConfig {
      return { redisPort: bed.redis.port, prefix: `w${++prefixSeq}:`, baseURL, options };
    },
    async spawn(n: number, config: WorkerConfig): Promise<Worker[]> {
      const started = await startWorkers(n, config);
      workers.push(...started);
      return started;
    },
  };
}

/** Waits until `condition` holds, polling every 10 ms (no fixed sleeps: the machine may be loaded). */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
