// `node --import @aiotel/node/register app.js`: installs the ESM loader hook so that `import 'openai'` is patched,
// starts telemetry, then waits until the hook knows which modules to patch before the app's imports run.
// Worker threads inherit `--import`; they are left alone, as one SDK per process is what users expect.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { sdkDisabledInEnv } from './config.js';
import { warnConfig } from './logger.js';
import { startTelemetry } from './start.js';

if (isMainThread && !sdkDisabledInEnv()) {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  try {
    register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  } catch (error) {
    warnConfig(
      `could not install the ESM loader hook; \`import 'openai'\` will not be traced: ${String(error)}`,
    );
  }
  startTelemetry();
  await waitForAllMessagesAcknowledged();
}
