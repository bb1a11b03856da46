// Every covered call kind against every fault class the fake server produces: the caller gets the
// SDK's own error, and the one span and the duration metric say what failed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endedSpanWarnings, histogram, pointWith, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

type Call = (model: string, headers: Record<string, string>) => Promise<unknown>;

const messages = [{ role: 'user', content: 'fail please' }];

/** Consumes a stream to its end, so a fault inside the stream surfaces as the caller sees it. */
async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

const kinds: { kind: string; operation: string; stream: boolean; call: Call }[] = [
  {
    kind: 'chat',
    operation: 'chat',
    stream: false,
    call: (model, headers) => bed.client.chat.completions.create({ model, messages }, { headers }),
  },
  {
    kind: 'chat stream',
    operation: 'chat',
    stream: true,
    call: async (model, headers) =>
      drain(await bed.client.chat.completions.create({ model, messages, stream: true }, { headers })),
  },
  {
    kind: 'responses',
    operation: 'chat',
    stream: false,
    call: (model, headers) => bed.client.responses.create({ model, input: 'fail please' }, { headers }),
  },
  {
    kind: 'responses stream',
    operation: 'chat',
    stream: true,
    call: async (model, headers) =>
      drain(await bed.client.responses.create({ model, input: 'fail please', stream: true }, { headers })),
  },
  {
    kind: 'embeddings',
    operation: 'embeddings',
    stream: false,
    call: (model, headers) => bed.client.embeddings.create({ model, input: 'fail please' }, { headers }),
  },
];

const faults = [
  { fault: 'status=400', type: '400', errorClass: 'BadRequestError' },
  { fault: 'status=401', type: '401', errorClass: 'AuthenticationError' },
  { fault: 'status=403', type: '403', errorClass: 'PermissionDeniedError' },
  { fault: 'status=404', type: '404', errorClass: 'NotFoundError' },
  { fault: 'status=409', type: '409', errorClass: 'ConflictError' },
  { fault: 'status=422', type: '422', errorClass: 'UnprocessableEntityError' },
  { fault: 'status=429; retry-after=2', type: '429', errorClass: 'RateLimitError' },
  { fault: 'status=429; type=insufficient_quota', type: '429', errorClass: 'RateLimitError' },
  { fault: 'status=500', type: '500', errorClass: 'InternalServerError' },
  { fault: 'status=503', type: '503', errorClass: 'InternalServerError' },
  { fault: 'status=529', type: '529', errorClass: 'InternalServerError' },
  { fault: 'reset', type: 'APIConnectionError', errorClass: 'APIConnectionError' },
  { fault: 'malformed', type: 'SyntaxError', errorClass: 'SyntaxError' },
];

// Faults inside a stream that already started (the request itself succeeded).
const streamFaults = [
  { fault: 'cut-after=3', type: 'APIConnectionError', errorClass: 'TypeError' },
  { fault: 'sse-error-after=3', type: 'server_error', errorClass: 'APIError' },
];

let models = 0;

for (const { kind, operation, stream, call } of kinds) {
  describe(kind, () => {
    const cases = stream ? [...faults, ...streamFaults] : faults;
    for (const { fault, type, errorClass } of cases) {
      it(`rethrows the SDK's ${errorClass} for ${fault} and ends one span with error.type ${type}`, async () => {
        const model = `gpt-4o-fault-${++models}`;
        const error = await call(model, {
          'x-fake-fault': fault,
          // Spaced chunks, so a cut lands mid-stream rather than racing the first read.
          ...(stream ? { 'x-fake-tokens': '20', 'x-fake-latency': 'ttft=0; per-token=2' } : {}),
        }).then(
          () => undefined,
          (err: unknown) => err,
        );
        // openai <= 6 hands a Responses `error` event to the caller's loop instead of throwing it.
        const yielded = kind === 'responses stream' && fault.startsWith('sse-error') && bed.sdkMajor < 7;
        expect((error as Error | undefined)?.constructor.name).toBe(yielded ? undefined : errorClass);
        const spans = await bed.waitForSpans(1);
        expect(spans).toHaveLength(1);
        const span = spans[0]!;
        expect(span.name).toBe(`${operation} ${model}`);
        expect(span.status.code).toBe(2);
        expect(span.attributes['error.type']).toBe(type);
        expect(span.attributes['gen_ai.request.stream']).toBe(stream ? true : undefined);
        expect(span.events.filter((e) => e.name === 'exception')).toHaveLength(yielded ? 0 : 1);
        const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), {
          'gen_ai.request.model': model,
        });
        expect(duration.attributes['error.type']).toBe(type);
        expect(duration.attributes['gen_ai.operation.name']).toBe(operation);
        expect(histogram(duration).count).toBe(1);
        const usage = await bed.points('gen_ai.client.token.usage');
        expect(usage.filter((p) => p.attributes['gen_ai.request.model'] === model)).toEqual([]);
        expect(endedSpanWarnings(bed.diag)).toEqual([]);
      });
    }
  });
}
