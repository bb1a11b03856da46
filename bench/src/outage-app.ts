/**
 * The app of the collector-outage bench, run by `src/collector-outage.ts` under `node --import
 * @aiotel/node/register`: after a warm-up that lets the first exports meet the collector, it makes CALLS sequential
 * chat calls, CALLS sequential streams of CHUNKS chunks, then CALLS calls and CALLS streams started at once, against
 * FAKE_LLM_URL. Prints one JSON line: per workload its wall and CPU (user + system, whole process: the exporter's
 * work included) time, and `doneAt` (epoch ms after the last call); then does nothing more, so the time to its exit
 * is the preload's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import type { AppReport, Workload, WorkloadTime } from './outage-summary.ts';

const calls = Number(process.env.CALLS ?? '200');
const chunks = Number(process.env.CHUNKS ?? '20');
const client = new OpenAI({ baseURL: process.env.FAKE_LLM_URL, apiKey: 'bench-key', maxRetries: 0 });
const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 16 };

async function chat(): Promise<void> {
  const completion = await client.chat.completions.create(params);
  if (!completion.choices[0]?.message.content) throw new Error('empty completion');
}

async function stream(): Promise<void> {
  const response = await client.chat.completions.create(
    { ...params, max_tokens: chunks, stream: true },
    { headers: { 'x-fake-tokens': String(chunks) } },
  );
  let seen = 0;
  for await (const chunk of response) if (chunk.choices[0]?.delta?.content) seen++;
  if (seen < chunks) throw new Error(`stream ended after ${seen} content chunks, expected ${chunks}`);
}

async function timed(run: () => Promise<unknown>): Promise<WorkloadTime> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await run();
  const cpu = process.cpuUsage(cpuStart);
  return { calls, wallMs: performance.now() - wallStart, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function sequential(call: () => Promise<void>): Promise<void> {
  for (let i = 0; i < calls; i++) await call();
}

async function concurrent(call: () => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: calls }, call));
}

// Warm-up, then a pause longer than both export intervals: the outage has begun when the measured calls start.
for (let i = 0; i < 30; i++) await (i % 3 === 0 ? stream() : chat());
await sleep(700);

const workloads: Record<Workload, WorkloadTime> = {
  sequential: await timed(() => sequential(chat)),
  sequentialStream: await timed(() => sequential(stream)),
  concurrent: await timed(() => concurrent(chat)),
  concurrentStream: await timed(() => concurrent(stream)),
};
const report: AppReport = { workloads, doneAt: Date.now() };
console.log(JSON.stringify(report));
