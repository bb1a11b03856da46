// The app of the start-up bench (src/startup.ts), as an ES module: `import OpenAI from 'openai'`, one chat call to
// the fake API, then exit. Reports, as one JSON line when the process exits (after the preload's exit flush):
// when its first line ran (ms since the process started), its CPU (ms) and its peak RSS (MiB).
const firstLineMs = performance.now();
const { default: OpenAI } = await import('openai');
const client = new OpenAI({ baseURL: process.env.FAKE_LLM_URL, apiKey: 'sk-startup', maxRetries: 0 });
await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
process.on('exit', () => {
  const cpu = process.cpuUsage();
  const report = {
    firstLineMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
});
