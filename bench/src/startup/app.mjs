// The app of the start-up bench (src/startup.ts), as an ES module: `import OpenAI from 'openai'` after its first line,
// one chat call to the fake API, then exit, reported by report.cjs.
const firstLineMs = performance.now();
const { reportAtExit } = await import('./report.cjs');
const { default: OpenAI } = await import('openai');
const client = new OpenAI({ baseURL: process.env.FAKE_LLM_URL, apiKey: 'sk-startup', maxRetries: 0 });
await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
reportAtExit(firstLineMs);
