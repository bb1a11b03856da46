import { describe, expect, it } from 'vitest';
import { readDemoConfig } from '../src/config.mjs';
import { Progress } from '../src/progress.mjs';
import { buildWorkload, DEMO_MODELS, totalCalls } from '../src/workload.mjs';

const options = {
  calls: 30,
  models: DEMO_MODELS,
  faults: true,
  concurrency: 8,
  halfOpenAfterMs: 2000,
  breakerFailures: 5,
  fallbackAttempts: 3,
};

describe('buildWorkload', () => {
  it('spreads ordinary traffic over every model, streamed and not', () => {
    const calls = buildWorkload(options).flatMap((phase) => phase.calls);
    for (const model of DEMO_MODELS) {
      const mine = calls.filter((call) => call.model === model && !call.faulty);
      expect(mine.some((call) => call.stream)).toBe(true);
      expect(mine.some((call) => !call.stream)).toBe(true);
    }
  });

  it('injects each fault kind the demo promises', () => {
    const faults = buildWorkload(options)
      .flatMap((phase) => phase.calls)
      .map((call) => call.headers['x-fake-fault'])
      .filter((fault) => fault !== undefined);
    expect(faults).toContain('status=429; retry-after=1');
    expect(faults).toContain('status=529');
    expect(faults).toContain('status=500');
    expect(faults).toContain('cut-after=5');
  });

  it('sends more 5xx calls in a row than the breaker tolerates, then waits for it to half-open', () => {
    const phases = buildWorkload(options);
    const burst = phases.find((phase) =>
      phase.calls.every((call) => call.headers['x-fake-fault'] === 'status=500'),
    );
    expect(burst?.concurrency).toBe(1);
    expect(burst?.calls.length).toBeGreaterThan(options.breakerFailures);
    expect(burst?.pauseAfterMs).toBeGreaterThan(options.halfOpenAfterMs);
  });

  it('runs ordinary traffic with more concurrency than the main bulkhead limit', () => {
    const phases = buildWorkload(options);
    const ordinary = [phases[0], phases.at(-1)];
    for (const phase of ordinary) {
      expect(phase?.calls.every((call) => !call.faulty)).toBe(true);
      expect(phase?.concurrency).toBe(8);
    }
  });

  it('makes the ordinary calls asked for, and only those against a real API', () => {
    const real = buildWorkload({ ...options, faults: false, calls: 7 });
    expect(totalCalls(real)).toBe(7);
    expect(
      real.flatMap((phase) => phase.calls).every((call) => !call.faulty && !call.headers['x-fake-fault']),
    ).toBe(true);
    const faulty = buildWorkload(options);
    expect(
      faulty.flatMap((phase) => phase.calls).filter((call) => !call.faulty && call.client === 'main').length,
    ).toBe(
      30 + 2 + 3, // plus the two calls that probe the half-open breaker and the in-house model calls
    );
  });
});

describe('readDemoConfig', () => {
  it('uses the embedded fake unless a real API is configured', () => {
    expect(readDemoConfig({}).target).toBe('fake');
    expect(readDemoConfig({ OPENAI_API_KEY: 'sk-x' }).target).toBe('real');
    expect(readDemoConfig({ OPENAI_BASE_URL: 'http://relay.local/v1' }).target).toBe('real');
  });

  it('asks OpenAI only for an OpenAI model, a relay for all three', () => {
    expect(readDemoConfig({ OPENAI_API_KEY: 'sk-x' }).models).toEqual(['gpt-4o-mini']);
    expect(readDemoConfig({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://relay.local/v1' }).models).toEqual([
      ...DEMO_MODELS,
    ]);
    expect(readDemoConfig({ AIOTEL_DEMO_MODELS: 'a, b' }).models).toEqual(['a', 'b']);
  });

  it('injects faults only into the embedded fake, unless AIOTEL_DEMO_FAULTS=false', () => {
    expect(readDemoConfig({}).faults).toBe(true);
    expect(readDemoConfig({ AIOTEL_DEMO_FAULTS: 'false' }).faults).toBe(false);
    expect(readDemoConfig({ OPENAI_API_KEY: 'sk-x', AIOTEL_DEMO_FAULTS: 'true' }).faults).toBe(false);
    expect(readDemoConfig({ AIOTEL_DEMO_FAULTS: 'sometimes' }).warnings).toEqual([
      expect.stringContaining('AIOTEL_DEMO_FAULTS="sometimes"'),
    ]);
  });

  it('warns about a bad AIOTEL_DEMO_CALLS and keeps the default', () => {
    const config = readDemoConfig({ AIOTEL_DEMO_CALLS: 'lots' });
    expect(config.calls).toBe(readDemoConfig({}).calls);
    expect(config.warnings).toEqual([expect.stringContaining('AIOTEL_DEMO_CALLS="lots"')]);
    expect(readDemoConfig({ AIOTEL_DEMO_CALLS: '12' }).calls).toBe(12);
  });
});

describe('Progress', () => {
  const sink = () => {
    const chunks: string[] = [];
    return {
      chunks,
      stream: { write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WritableStream,
    };
  };

  it('prints plain lines per phase and per quarter when not on a terminal', () => {
    const { chunks, stream } = sink();
    const progress = new Progress({ total: 8, stream, tty: false, now: () => 0 });
    progress.phase('warm-up');
    for (let i = 0; i < 8; i++) progress.tick(i !== 3);
    progress.finish();
    expect(chunks.every((chunk) => chunk.endsWith('\n') && !chunk.includes('\r'))).toBe(true);
    expect(chunks).toHaveLength(5);
    expect(chunks.at(-1)).toContain('8/8 calls, 1 failed');
  });

  it('redraws one line with a bar on a terminal', () => {
    const { chunks, stream } = sink();
    let now = 0;
    const progress = new Progress({ total: 4, stream, tty: true, now: () => now });
    progress.phase('burst');
    for (let i = 0; i < 4; i++) {
      now += 100;
      progress.tick(true);
    }
    progress.finish();
    expect(chunks.slice(0, -1).every((chunk) => chunk.startsWith('\r'))).toBe(true);
    expect(chunks.at(-2)).toContain('████████████████████████████ 4/4 calls');
    expect(chunks.at(-1)).toBe('\n');
  });

  it('sends Claude calls through the native Anthropic client too: cache-marked, a 529 and an early overload', () => {
    const native = buildWorkload(options)
      .flatMap((phase) => phase.calls)
      .filter((call) => call.client === 'anthropic');
    expect(new Set(native.map((call) => call.model))).toEqual(new Set([DEMO_MODELS[1]]));
    expect(native.some((call) => call.stream)).toBe(true);
    expect(native.some((call) => !call.stream && !call.faulty)).toBe(true);
    const faults = native.map((call) => call.headers['x-fake-fault']);
    expect(faults).toContain('status=529');
    expect(faults).toContain('sse-error-after=3');
    expect(
      buildWorkload({ ...options, faults: false })
        .flatMap((p) => p.calls)
        .some((c) => c.client === 'anthropic'),
    ).toBe(false);
  });
});
