// `node --import @aiotel/node/register app.js`: installs the ESM loader hook so that `import 'openai'` is patched,
// starts telemetry, then waits until the hook knows which modules to patch before the app's imports run.
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { sdkDisabledInEnv } from './config.js';
import { warnConfig } from './logger.js';
import { startTelemetry } from './start.js';

if (!sdkDisabledInEnv()) {
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
