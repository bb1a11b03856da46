import { afterEach, describe, expect, it } from 'vitest';
import { streamParams } from '../src/workloads.ts';

describe('streamParams', () => {
  const before = process.env.BENCH_STREAM_USAGE;
  afterEach(() => {
    if (before === undefined) delete process.env.BENCH_STREAM_USAGE;
    else process.env.BENCH_STREAM_USAGE = before;
  });

  it('asks for no usage by default: the instrumentation under test decides', () => {
    delete process.env.BENCH_STREAM_USAGE;
    expect(streamParams(500)).not.toHaveProperty('stream_options');
    expect(streamParams(500)).toMatchObject({ stream: true, max_tokens: 500 });
  });

  it("asks for the stream's usage itself in the processes of the …u variants", () => {
    process.env.BENCH_STREAM_USAGE = '1';
    expect(streamParams(500)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });
});
