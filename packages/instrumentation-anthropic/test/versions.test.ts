import { afterAll, expect, it } from 'vitest';
import { type AnthropicPackage, startTestBed, type TestBed } from './harness.js';

const beds: TestBed[] = [];
afterAll(() => Promise.all(beds.map((bed) => bed.close())));

it.each([
  ['@anthropic-ai/sdk', 1],
  ['anthropic0', 0],
] as [AnthropicPackage, number][])('%s (major %i) is patched and traced', async (pkg, major) => {
  const bed = await startTestBed({}, pkg);
  beds.push(bed);
  expect(bed.sdkMajor).toBe(major);
  await bed.client.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 5,
    messages: [{ role: 'user', content: 'Hi' }],
  });
  const [span] = await bed.waitForSpans(1);
  expect(span?.name).toBe('chat claude-haiku-4-5');
});
