import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CHAT, chatRequests, client, fault, rejection, useFakeLlm } from './helpers.js';

const ctx = useFakeLlm();

describe('smoke', () => {
  it('answers a chat completion', async () => {
    const c = client(ctx.fake);
    const r = await c.chat.completions.create(CHAT);
    expect(r.choices[0]?.message.content).toBeTruthy();
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('401 is one attempt with the SDK error', async () => {
    const c = client(ctx.fake);
    const err = await rejection(c.chat.completions.create(CHAT, fault('status=401')));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('429 then success', async () => {
    const c = client(ctx.fake);
    const r = await c.chat.completions.create(
      CHAT,
      fault('status=429; retry-after-ms=20', { 'x-fake-scenario': 's1', 'x-fake-fault-times': '2' }),
    );
    expect(r.choices[0]?.message.content).toBeTruthy();
    expect(chatRequests(ctx.fake).map((r) => r.retryCount)).toEqual([0, 1, 2]);
  });

  it('streams', async () => {
    const c = client(ctx.fake);
    const s = await c.chat.completions.create({ ...CHAT, stream: true });
    let text = '';
    for await (const chunk of s) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });
});
