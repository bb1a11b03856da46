import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll } from 'vitest';
import { type AppRun, type RunAppOptions, runApp } from './app.js';
import { ensureBuilt } from './build.js';

interface Closable {
  close(): Promise<void>;
}

/** What a test file that spawns apps shares: the fake AI server, and the servers to close at its end. */
export interface TestBed {
  /** The fake OpenAI-compatible server the apps call (started before the file's tests). */
  readonly fake: FakeLlm;
  /** Closes the server (a receiver, a fake collector) when the file's tests are over; returns it. */
  closeAtEnd<T extends Closable>(server: T): T;
  /**
   * Runs `test/fixtures/chat.mjs` under `--import @aiotel/node/register`, calling the fake server and exporting to
   * `endpoint`, with more environment in `env` (see the fixture for its knobs).
   */
  runChat(
    endpoint: string,
    env: Readonly<Record<string, string>>,
    options?: Omit<RunAppOptions, 'file' | 'nodeArgs' | 'env'>,
  ): Promise<AppRun>;
}

/**
 * For a test file that spawns apps under the preload: builds what they load (when stale), starts the fake AI server
 * before its tests, closes it and every server given to `closeAtEnd` after them.
 */
export function useTestBed(): TestBed {
  let fake: FakeLlm | undefined;
  const servers: Closable[] = [];
  beforeAll(async () => {
    ensureBuilt();
    fake = await startFakeLlm({ latency: false });
  }, 200_000);
  afterAll(async () => {
    await fake?.close();
    await Promise.all(servers.map((server) => server.close()));
  });
  return {
    get fake(): FakeLlm {
      if (!fake) throw new Error('the test bed starts in beforeAll: use it inside tests');
      return fake;
    },
    closeAtEnd<T extends Closable>(server: T): T {
      servers.push(server);
      return server;
    },
    runChat(endpoint, env, options = {}) {
      return runApp({
        ...options,
        file: 'chat.mjs',
        nodeArgs: ['--import', '@aiotel/node/register'],
        env: {
          FAKE_LLM_URL: this.fake.url,
          FIXTURE_CREDENTIAL: 'fixture-credential',
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          ...env,
        },
      });
    },
  };
}
