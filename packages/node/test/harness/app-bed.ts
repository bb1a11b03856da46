import { beforeAll, expect } from 'vitest';
import { aiotelLines, runApp } from './app.js';
import {
  type OtlpReceiver,
  type ReceivedRequest,
  type ReceivedSpan,
  startOtlpReceiver,
} from './otlp-receiver.js';
import { useTestBed } from './test-bed.js';

/** What one app run printed and exported. */
export interface BedRun {
  readonly stdout: string;
  readonly stderr: string;
  /** Its `[aiotel]` lines. */
  readonly lines: string[];
  readonly genAi: ReceivedSpan[];
  readonly http: ReceivedSpan[];
  readonly requests: ReceivedRequest[];
}

/**
 * A fake LLM and an OTLP receiver for the file's tests (started before, closed after), and `run()`, which spawns a
 * fixture app against them, expects it to end cleanly by itself, and returns what that one run exported.
 */
export function useAppBed(): {
  run: (file: string, nodeArgs: string[], env?: Record<string, string>) => Promise<BedRun>;
} {
  const bed = useTestBed();
  let otlp: OtlpReceiver | undefined;
  beforeAll(async () => {
    otlp = bed.closeAtEnd(await startOtlpReceiver());
  });
  return {
    run: async (file, nodeArgs, env = {}) => {
      if (!otlp) throw new Error('the app bed did not start');
      const spansBefore = otlp.spans().length;
      const requestsBefore = otlp.requests.length;
      const result = await runApp({
        file,
        nodeArgs,
        env: {
          FAKE_LLM_URL: bed.fake.url,
          FIXTURE_CREDENTIAL: 'fixture-credential-7f3a9c2e5b1d4680',
          OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          ...env,
        },
      });
      expect(result.killedByWatchdog, result.stderr).toBe(false);
      expect(result.code, result.stderr).toBe(0);
      const spans = otlp.spans().slice(spansBefore);
      return {
        stdout: result.stdout,
        stderr: result.stderr,
        lines: aiotelLines(result.stderr),
        genAi: spans.filter((span) => span.scope === '@aiotel/instrumentation-openai'),
        http: spans.filter((span) => span.scope === '@aiotel/node'),
        requests: otlp.requests.slice(requestsBefore),
      };
    },
  };
}
