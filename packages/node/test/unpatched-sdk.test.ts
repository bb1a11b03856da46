// issue 17: an ESM app under `--require`, or calling startTelemetry() without the loader hook, exported only HTTP
// spans and said nothing. Now it gets one warning naming the flag to use; a correct setup gets none.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './harness/app.js';
import { useAppBed } from './harness/app-bed.js';

const UNPATCHED =
  /^\[aiotel\] warn: openai \d+\.\d+\.\d+ is sending requests but was not instrumented, .*`node --import @aiotel\/node\/register app\.js` \(not --require/;

const bed = useAppBed();

function run(file: string, nodeArgs: string[], extra: Record<string, string> = {}) {
  return bed.run(file, nodeArgs, {
    AIOTEL_NODE_ENTRY: join(PACKAGE_DIR, 'dist', 'index.mjs'),
    CALLS: '2',
    ...extra,
  });
}

describe('an openai SDK that sends requests but was not patched', () => {
  it('is reported once for an ESM app started with --require, naming --import', async () => {
    const { lines, genAi, http } = await run('chat.mjs', ['--require', '@aiotel/node/register']);
    expect(genAi).toHaveLength(0);
    expect(http.length).toBeGreaterThanOrEqual(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(UNPATCHED);
  });

  it('is reported once for an ESM app that calls startTelemetry() without the loader hook', async () => {
    const { lines, genAi } = await run('start-in-code.mjs', []);
    expect(genAi).toHaveLength(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(UNPATCHED);
  });

  it('is reported with HTTP spans off too (the credential listener sees the request)', async () => {
    const { lines } = await run('chat.mjs', ['--require', '@aiotel/node/register'], {
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici',
    });
    expect(lines).toEqual([expect.stringMatching(UNPATCHED)]);
  });

  it.each([
    ['an ESM app started with --import', 'chat.mjs', ['--import', '@aiotel/node/register']],
    ['a CJS app started with --require', 'chat.cjs', ['--require', '@aiotel/node/register']],
  ])(
    'is not reported for %s, where every call is traced (even at OTEL_LOG_LEVEL=debug)',
    async (_label, file, args) => {
      const { lines, genAi } = await run(file, args, { OTEL_LOG_LEVEL: 'debug' });
      expect(genAi).toHaveLength(2);
      expect(lines.filter((line) => line.includes('not instrumented'))).toEqual([]);
    },
  );
});
