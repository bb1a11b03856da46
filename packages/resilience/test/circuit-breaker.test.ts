import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../src/index.js';
import { CHAT, chatRequests, client, fault, rejection, until, useFakeLlm, useTelemetry } from './helpers.js';

const ctx = useFakeLlm();
const otel = useTelemetry();

const NO_RETRY = { maxRetries: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('circuit breaker', () => {
  it('opens after five consecutive provider faults, then fails fast without touching the network', async () => {
    const c = client(ctx.fake, {
      retry: NO_RETRY,
      circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 60_000 },
    });
    for (let i = 0; i < 5; i++)
      await rejection(c.chat.completions.create(CHAT, fault(i % 2 ? 'status=529' : 'status=500')));
    expect(chatRequests(ctx.fake)).toHaveLength(5);

    const started = Date.now();
    const err = await rejection(c.chat.completions.create(CHAT));
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(err).toMatchObject({ key: `127.0.0.1:${ctx.fake.port}/gpt-4o-mini` });
    const probeAt = (err as CircuitOpenError).probeAt!;
    expect(probeAt).toBeGreaterThanOrEqual(started + 59_000);
    expect((err as Error).message).toMatch(/next probe in \d+ ms/);
    expect(chatRequests(ctx.fake)).toHaveLength(5);
  });

  it('counts failed streams, and refuses a stream while open', async () => {
    const c = client(ctx.fake, {
      retry: NO_RETRY,
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    });
    await rejection(c.chat.completions.create({ ...CHAT, stream: true }, fault('status=529')));
    await rejection(c.chat.completions.create({ ...CHAT, stream: true }, fault('reset')));
    expect(await rejection(c.chat.completions.create({ ...CHAT, stream: true }))).toBeInstanceOf(
      CircuitOpenError,
    );
    expect(ctx.fake.stats().totalRequests).toBe(2);
  });

  it('counts the attempts of a retried call, and stops retrying once open', async () => {
    const c = client(ctx.fake, {
      retry: { maxRetries: 10, initialDelayMs: 1, maxDelayMs: 2 },
      circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 60_000 },
    });
    const err = await rejection(c.chat.completions.create(CHAT, fault('status=529')));
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(chatRequests(ctx.fake)).toHaveLength(5);
  });

  it.each([false, true])(
    'lets one probe through after halfOpenAfterMs; its success closes the breaker (stream: %s)',
    async (stream) => {
      const c = client(ctx.fake, {
        retry: NO_RETRY,
        circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 300 },
      });
      await rejection(c.chat.completions.create({ ...CHAT, stream }, fault('status=500')));
      await rejection(c.chat.completions.create({ ...CHAT, stream }, fault('status=500')));
      expect(await rejection(c.chat.completions.create({ ...CHAT, stream }))).toBeInstanceOf(
        CircuitOpenError,
      );
      await sleep(320);
      const { result, span } = await otel.inSpan(async () => {
        if (!stream) return (await c.chat.completions.create(CHAT)).choices.length;
        let chunks = 0;
        for await (const _ of await c.chat.completions.create({ ...CHAT, stream: true })) chunks++;
        return chunks;
      });
      expect(result).toBeGreaterThan(0);
      const states = span.events
        .filter((e) => e.name === 'aiotel.circuit_breaker.state_change')
        .map((e) => e.attributes?.['aiotel.circuit_breaker.state']);
      expect(states).toEqual(['half_open', 'closed']);
      // Closed again: normal calls go through.
      await c.chat.completions.create(CHAT);
      expect(chatRequests(ctx.fake)).toHaveLength(4);
    },
  );

  it('in half-open, the probe goes and the other calls fail fast', async () => {
    const c = client(ctx.fake, {
      retry: NO_RETRY,
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 50 },
    });
    await rejection(c.chat.completions.create(CHAT, fault('status=503')));
    await sleep(70);
    const probe = c.chat.completions.create(CHAT, fault('slow-headers=1500'));
    await until(() => chatRequests(ctx.fake).length === 2, 'the probe to reach the server');
    const others = await Promise.all([1, 2, 3].map(() => rejection(c.chat.completions.create(CHAT))));
    for (const err of others) {
      expect(err).toBeInstanceOf(CircuitOpenError);
      expect(err).toMatchObject({ probeAt: undefined });
    }
    expect((await probe).choices).toHaveLength(1);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });

  it('a failed probe opens it again', async () => {
    const c = client(ctx.fake, {
      retry: NO_RETRY,
      // Long enough that the call right after the failed probe cannot find it half-open again on a loaded machine.
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 300 },
    });
    await rejection(c.chat.completions.create(CHAT, fault('status=503')));
    await sleep(320);
    await rejection(c.chat.completions.create(CHAT, fault('status=503')));
    expect(await rejection(c.chat.completions.create(CHAT))).toBeInstanceOf(CircuitOpenError);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });

  it('does not count 4xx, nor 429 unless countRateLimits', async () => {
    const c = client(ctx.fake, { retry: NO_RETRY, circuitBreaker: { consecutiveFailures: 2 } });
    for (const f of ['status=400', 'status=401', 'status=404', 'status=429', 'status=429', 'status=422']) {
      await rejection(c.chat.completions.create(CHAT, fault(f)));
    }
    await c.chat.completions.create(CHAT);

    const counting = client(ctx.fake, {
      retry: NO_RETRY,
      circuitBreaker: { consecutiveFailures: 2, countRateLimits: true },
    });
    await rejection(counting.chat.completions.create(CHAT, fault('status=429')));
    await rejection(counting.chat.completions.create(CHAT, fault('status=429')));
    expect(await rejection(counting.chat.completions.create(CHAT))).toBeInstanceOf(CircuitOpenError);
  });

  it('keeps one breaker per model and server', async () => {
    const c = client(ctx.fake, { retry: NO_RETRY, circuitBreaker: { consecutiveFailures: 1 } });
    await rejection(c.chat.completions.create(CHAT, fault('status=500')));
    expect(await rejection(c.chat.completions.create(CHAT))).toBeInstanceOf(CircuitOpenError);
    const other = await c.chat.completions.create({ ...CHAT, model: 'gpt-4o' });
    expect(other.choices).toHaveLength(1);
  });

  it('records opens and the state per key as metrics', async () => {
    const c = client(ctx.fake, {
      retry: NO_RETRY,
      circuitBreaker: { consecutiveFailures: 1, key: () => 'metrics-key' },
    });
    await rejection(c.chat.completions.create(CHAT, fault('status=500')));
    const opens = await otel.points('aiotel.resilience.circuit_breaker.opens');
    expect(opens.find((p) => p.attributes['aiotel.policy.key'] === 'metrics-key')?.value).toBe(1);
    const state = await otel.points('aiotel.resilience.circuit_breaker.state');
    const point = state.find((p) => p.attributes['aiotel.policy.key'] === 'metrics-key');
    expect(point?.value).toBe(1);
    // Dashboards filter breaker series by model.
    expect(point?.attributes).toEqual({
      'aiotel.policy.key': 'metrics-key',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
      'server.port': ctx.fake.port,
    });
  });
});
