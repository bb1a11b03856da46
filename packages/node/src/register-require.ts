// `node --require @aiotel/node/register app.js` (CommonJS apps): `require('openai')` is patched without a loader
// hook. ESM apps need `--import` instead, which also installs the hook. Worker threads are left alone, as in the
// ESM entry.
import { isMainThread } from 'node:worker_threads';
import { startTelemetry } from './start.js';

if (isMainThread) startTelemetry();
