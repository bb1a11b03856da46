import { createServer, type Socket } from 'node:net';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpHttpTransport } from '../src/otlp-transport.js';
import { type BadCollector, startBadCollector } from './harness/bad-collector.js';

let collector: BadCollector | undefined;
afterEach(() => collector?.close());

/** The transport the preload's trace exporter makes for `url`, with upstream's settings for it. */
function transport(url: string, release?: (data: Uint8Array) => void): OtlpHttpTransport {
  const settings = convertLegacyHttpOptions(
    { url, compression: CompressionAlgorithm.NONE },
    'TRACES',
    'v1/traces',
    {},
  );
  const never = new AbortController().signal;
  return new OtlpHttpTransport(settings, { closing: never, abandoned: never }, release);
}

/** What the transport gave back, and a promise of the first. */
function releases(): {
  given: Uint8Array[];
  first: Promise<Uint8Array>;
  release: (data: Uint8Array) => void;
} {
  const given: Uint8Array[] = [];
  let resolveFirst: (data: Uint8Array) => void = () => {};
  const first = new Promise<Uint8Array>((resolve) => {
    resolveFirst = resolve;
  });
  return {
    given,
    first,
    release: (data) => {
      given.push(data);
      resolveFirst(data);
    },
  };
}

/**
 * A collector that answers `200` as soon as a request's headers arrive and then reads nothing more, so that a large
 * body is still being written when the answer is in; `hangUp` closes its connections.
 */
async function earlyAnswer(): Promise<{ url: string; hangUp: () => void; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const hangUp = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    hangUp,
    close: () =>
      new Promise<void>((resolve) => {
        hangUp();
        server.close(() => resolve());
      }),
  };
}

describe('the OTLP/HTTP transport', () => {
  it("names the user's timeout in a timeout message, not what a retry had left of it", async () => {
    collector = await startBadCollector('unavailable-then-hang');
    const response = await transport(`${collector.url}/v1/traces`).send(new Uint8Array([1, 2, 3]), 400);
    expect(response.status).toBe('retryable');
    expect(response.status === 'success' ? undefined : response.error?.message).toMatch(
      /^the collector at 127\.0\.0\.1:\d+ accepted the export but did not answer within 400 ms \(OTEL_EXPORTER_OTLP_TIMEOUT\)$/,
    );
  });

  describe("gives an export's bytes back once, when nothing reads them any more", () => {
    it('after a request the collector answered', async () => {
      collector = await startBadCollector('otlp-paths');
      const { given, first, release } = releases();
      const data = new Uint8Array([1, 2, 3]);
      const response = await transport(`${collector.url}/v1/traces`, release).send(data, 2000);
      expect(response.status).toBe('success');
      expect(await first).toBe(data);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(given).toEqual([data]);
    });

    it('after the last of its retries, not after the first', async () => {
      collector = await startBadCollector('unavailable-then-hang');
      const { given, first, release } = releases();
      const data = new Uint8Array([1, 2, 3]);
      const sending = transport(`${collector.url}/v1/traces`, release).send(data, 400);
      // The first request was answered 503 after 150 ms and retried at once; the retry is still open.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(given).toEqual([]);
      expect((await sending).status).toBe('retryable');
      expect(await first).toBe(data);
      expect(given).toEqual([data]);
    });

    it('after a request the collector answered while its body was still being written, once the connection is gone', async () => {
      const early = await earlyAnswer();
      try {
        const { given, first, release } = releases();
        const data = new Uint8Array(64 * 1024 * 1024);
        const response = await transport(`${early.url}/v1/traces`, release).send(data, 5000);
        expect(response.status).toBe('success');
        // The body is not all written (the collector stopped reading): the bytes are still being read.
        await new Promise((resolve) => setTimeout(resolve, 200));
        // Counts and identity, not the arrays: a failure must not print 64 MiB.
        expect(given.length).toBe(0);
        early.hangUp();
        expect((await first) === data).toBe(true);
        expect(given.length).toBe(1);
      } finally {
        await early.close();
      }
    });
  });
});
