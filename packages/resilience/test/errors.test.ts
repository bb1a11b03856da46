import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CHAT, chatRequests, client, fault, rejection, useFakeLlm } from './helpers.js';

const ctx = useFakeLlm();

describe.each([false, true])('client errors (stream: %s)', (stream) => {
  it('400: one attempt, BadRequestError with the provider message', async () => {
    const err = await rejection(
      client(ctx.fake).chat.completions.create({ ...CHAT, stream }, fault('status=400')),
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toContain('Invalid request (fake-llm injected fault).');
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('401: one attempt, AuthenticationError saying the API key is invalid', async () => {
    const err = await rejection(
      client(ctx.fake).chat.completions.create({ ...CHAT, stream }, fault('status=401')),
    );
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
    expect((err as Error).message).toMatch(/Incorrect API key provided/);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it.each([
    [403, OpenAI.PermissionDeniedError],
    [404, OpenAI.NotFoundError],
    [422, OpenAI.UnprocessableEntityError],
  ])('%i: one attempt, the SDK error class', async (status, errorClass) => {
    const err = await rejection(
      client(ctx.fake).chat.completions.create({ ...CHAT, stream }, fault(`status=${status}`)),
    );
    expect(err).toBeInstanceOf(errorClass);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });
});

describe('exhausted retries', () => {
  it('reach the caller as the SDK error of the last response, with its message', async () => {
    const err = await rejection(client(ctx.fake).chat.completions.create(CHAT, fault('status=503')));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as Error).message).toContain('The server is overloaded or not ready yet.');
    expect(chatRequests(ctx.fake)).toHaveLength(4);
  });

  it('of connection resets reach the caller as APIConnectionError', async () => {
    const err = await rejection(client(ctx.fake).chat.completions.create(CHAT, fault('reset')));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(ctx.fake.stats().totalRequests).toBe(4);
  });
});
