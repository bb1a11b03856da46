/**
 * The benchmark's AI API: `@aiotel/fake-llm` in zero-latency mode, in its own process so its CPU is not
 * counted in the client's. Reports `{ url }` (ending in /v1) over IPC once listening; `stats` answers with
 * its request count, outcomes and the most requests it saw in flight; ends when the orchestrator disconnects.
 */
import { startFakeLlm } from '@aiotel/fake-llm';

const fake = await startFakeLlm({ latency: false });
process.send?.({ type: 'ready', url: fake.url });

process.on('message', (msg: { type?: string; id?: number }) => {
  if (msg.type === 'stats') {
    const { totalRequests, maxInFlight, outcomes } = fake.stats();
    process.send?.({ type: 'stats', id: msg.id, stats: { totalRequests, maxInFlight, outcomes } });
  } else if (msg.type === 'reset') {
    fake.reset();
    process.send?.({ type: 'reset', id: msg.id });
  }
});
process.on('disconnect', () => {
  fake.close().finally(() => process.exit(0));
});
