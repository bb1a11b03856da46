// The app of the start-up bench (src/startup.ts), as CommonJS: `require('openai')` (from STARTUP_SDK_FROM when set:
// a peer's folder, whose openai 6 its instrumentation patches), one chat call to the fake API, then exit, reported by
// report.cjs.
const firstLineMs = performance.now();
const { reportAtExit } = require('./report.cjs');
const from = process.env.STARTUP_SDK_FROM;
const { default: OpenAI } = require(from ? require.resolve('openai', { paths: [from] }) : 'openai');
const client = new OpenAI({ baseURL: process.env.FAKE_LLM_URL, apiKey: 'sk-startup', maxRetries: 0 });
client.chat.completions
  .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
  .then(() => reportAtExit(firstLineMs));
