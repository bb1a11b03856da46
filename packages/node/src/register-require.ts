// `node --require @aiotel/node/register app.js` (CommonJS apps): `require('openai')` is patched without a loader
// hook. ESM apps need `--import` instead, which also installs the hook.
import { startTelemetry } from './start.js';

startTelemetry();
