// `node --import @aiotel/node/register app.js`: installs the ESM loader hook so that `import 'openai'` is patched,
// starts telemetry, then waits until the hook knows which modules to patch before the app's imports run.
// Worker threads inherit `--import`; they are left alone, as one SDK per process is what users expect.
import { isMainThread } from 'node:worker_threads';
import { sdkDisabledInEnv } from './config.js';
import { esmHookPlace, installEsmHook } from './esm-hook.js';
import { warnConfig } from './logger.js';
import { startTelemetry } from './start.js';

if (isMainThread && !sdkDisabledInEnv()) {
  let hookReady: () => Promise<void> = () => Promise.resolve();
  try {
    const warnings = new Set<string>();
    const place = esmHookPlace(process.env, warnings);
    for (const warning of warnings) warnConfig(warning);
    hookReady = installEsmHook(place, import.meta.url);
  } catch (error) {
    warnConfig(
      `could not install the ESM loader hook; \`import 'openai'\` will not be traced: ${String(error)}`,
    );
  }
  startTelemetry();
  await hookReady();
}
