import { createHash } from 'node:crypto';
import { type BreakerRecord, bucketEnd, CLOSED, type ResilienceStore } from '@aiotel/resilience';
import {
  ACQUIRE_SLOT,
  BREAKER_CLAIM_PROBE,
  BREAKER_FAILURE,
  BREAKER_SUCCESS,
  HOLD_UNTIL,
  RENEW_SLOT,
  WINDOW_ADD,
  WINDOW_TAKE,
  WINDOW_TOTAL,
} from './scripts.js';

type Arg = string | number;

/**
 * What the store needs of a Redis client: `ioredis`'s `Redis` (or `Cluster`), and `iovalkey`'s, fit as they are.
 */
export interface RedisClient {
  evalsha(sha: string, numKeys: number, ...args: Arg[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: Arg[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  zrem(key: string, ...members: string[]): Promise<unknown>;
  script(subcommand: 'LOAD', script: string): Promise<unknown>;
}

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * Put before every key, so that several apps (or several budgets) can share one Redis: clients with the same
   * prefix share their limits. Default `'aiotel:'`.
   */
  readonly prefix?: string;
}

/** How long breaker records live without a change, ms: a breaker nobody uses is forgotten after a day. */
const BREAKER_TTL_MS = 86_400_000;

/** A Lua script run by its SHA1 (EVALSHA), loaded with EVAL the first time Redis does not know it. */
class Script {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Loads the script into Redis, so that its first EVALSHA needs no second round trip. */
  load(redis: RedisClient): Promise<unknown> {
    return redis.script('LOAD', this.source);
  }

  async run(redis: RedisClient, keys: string[], args: Arg[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const SCRIPTS = {
  acquireSlot: new Script(ACQUIRE_SLOT),
  renewSlot: new Script(RENEW_SLOT),
  windowTotal: new Script(WINDOW_TOTAL),
  windowAdd: new Script(WINDOW_ADD),
  windowTake: new Script(WINDOW_TAKE),
  holdUntil: new Script(HOLD_UNTIL),
  breakerFailure: new Script(BREAKER_FAILURE),
  breakerSuccess: new Script(BREAKER_SUCCESS),
  breakerClaimProbe: new Script(BREAKER_CLAIM_PROBE),
};

/**
 * A `@aiotel/resilience` store on your own Redis (or Valkey) client: every process whose resilient client uses a
 * store with the same Redis and prefix shares one bulkhead, one rate limit, the provider's window, one budget and
 * one breaker per key. Each operation is one round trip (a Lua script, or one read). The client is yours: the store
 * never connects, closes or configures it.
 *
 * @example
 * const client = resilient(new OpenAI(), { bulkhead: { limit: 10 }, store: redisStore(new Redis(url)) });
 */
export function redisStore(redis: RedisClient, options: RedisStoreOptions = {}): ResilienceStore {
  if (!redis || typeof redis.evalsha !== 'function' || typeof redis.eval !== 'function') {
    throw new TypeError('redisStore(): expected an ioredis (or iovalkey) client, e.g. new Redis(url)');
  }
  const prefix = options.prefix ?? 'aiotel:';
  if (typeof prefix !== 'string') throw new TypeError('redisStore(): prefix must be a string');
  const key = (name: string) => prefix + name;
  // Loaded up front: a first use would cost a NOSCRIPT answer and a second round trip (a provider hold written that
  // way reaches the other processes one round trip late). Failures are left to the NOSCRIPT fallback.
  for (const script of Object.values(SCRIPTS)) script.load(redis).catch(() => undefined);

  return {
    async acquireSlot(name, holder, limit, leaseMs, now) {
      return (await SCRIPTS.acquireSlot.run(redis, [key(name)], [holder, limit, leaseMs, now])) === 1;
    },
    async renewSlot(name, holder, leaseMs, now) {
      await SCRIPTS.renewSlot.run(redis, [key(name)], [holder, leaseMs, now]);
    },
    async releaseSlot(name, holder) {
      await redis.zrem(key(name), holder);
    },
    async windowTotal(name, windowMs, now) {
      return Number(await SCRIPTS.windowTotal.run(redis, [key(name)], [now - windowMs]));
    },
    async windowAdd(name, amount, windowMs, now) {
      const args = [now - windowMs, bucketEnd(now, windowMs), amount, 2 * windowMs];
      return Number(await SCRIPTS.windowAdd.run(redis, [key(name)], args));
    },
    async windowTake(name, amount, limit, windowMs, now) {
      const args = [now - windowMs, bucketEnd(now, windowMs), amount, limit, windowMs, now, 2 * windowMs];
      return Number(await SCRIPTS.windowTake.run(redis, [key(name)], args));
    },
    async holdUntil(name, until) {
      await SCRIPTS.holdUntil.run(redis, [key(name)], [Math.ceil(until), Date.now()]);
    },
    async heldUntil(name, now) {
      const until = Number((await redis.get(key(name))) ?? 0);
      return until > now ? until : 0;
    },
    async breakerRead(name) {
      const [failures, openedAt, probeUntil] = await redis.hmget(
        key(name),
        'failures',
        'openedAt',
        'probeUntil',
      );
      if (failures === null && openedAt === null) return CLOSED;
      return {
        failures: Number(failures ?? 0),
        openedAt: Number(openedAt ?? 0),
        probeUntil: Number(probeUntil ?? 0),
      };
    },
    async breakerFailure(name, threshold, now): Promise<BreakerRecord> {
      const r = (await SCRIPTS.breakerFailure.run(
        redis,
        [key(name)],
        [threshold, now, BREAKER_TTL_MS],
      )) as number[];
      return { failures: Number(r[0]), openedAt: Number(r[1]), probeUntil: Number(r[2]) };
    },
    async breakerSuccess(name) {
      return (await SCRIPTS.breakerSuccess.run(redis, [key(name)], [])) === 1;
    },
    async breakerClaimProbe(name, halfOpenAfterMs, leaseMs, now) {
      return (await SCRIPTS.breakerClaimProbe.run(redis, [key(name)], [halfOpenAfterMs, leaseMs, now])) === 1;
    },
  };
}
