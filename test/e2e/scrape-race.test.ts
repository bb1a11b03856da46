import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installStack } from './src/binaries.js';
import { sendCounterPoints } from './src/counter-points.js';
import { describeRangeSelectors, instantQuery, lastScrape, rangeSamples } from './src/panel-values.js';
import { type RunningStack, startStack } from './src/stack.js';
import { waitFor } from './src/wait.js';

// A counter's first point that reaches the collector while Prometheus is scraping it. Prometheus stamps a scrape
// with the time it began, so that point is exposed with a created timestamp (CT) after the stamp: Prometheus then
// writes no 0 at the CT, and at the next scrape writes it between two samples, which increase() and rate() take
// for a counter reset. The shipped collector config dates a stream's start before its first point, so the 0
// comes first and the point counts once. A proxy between Prometheus and the collector makes the race certain:
// on the scrape it is told to, it sends the point and waits until the collector exposes it before passing the
// scrape on.
const SERVICE = 'scrape-race';
const SCRAPE_JOB = 'aiotel-collector';
const MS = 1_000_000n;

const workDir = mkdtempSync(join(tmpdir(), 'aiotel-e2e-scrape-race-'));
let stack: RunningStack | undefined;
let proxy: Server | undefined;
let collectorMetricsUrl = '';
/** Runs inside the next scrape that reaches the proxy, before the proxy asks the collector. */
let duringNextScrape: (() => Promise<void>) | undefined;

function startScrapeProxy(): Promise<number> {
  // A second call comes when the stack started over on other ports: the first proxy is not needed any more.
  proxy?.close();
  const server = createServer(async (request, response) => {
    try {
      const task = duringNextScrape;
      duringNextScrape = undefined;
      await task?.();
      const upstream = await fetch(collectorMetricsUrl, {
        headers: { accept: request.headers.accept ?? '*/*' },
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      response.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'text/plain',
      });
      response.end(body);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  proxy = server;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('the proxy has no port'));
      else resolve(address.port);
    });
  });
}

beforeAll(async () => {
  stack = await startStack(await installStack(), workDir, {
    scrapeVia: async (url) => {
      collectorMetricsUrl = url;
      return `127.0.0.1:${await startScrapeProxy()}`;
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => proxy?.close(resolve) ?? resolve(undefined));
});

describe('a counter whose first point reaches the collector during a scrape', () => {
  it('is counted once by increase(), its 0 stored before its first sample', async () => {
    const metric = 'scrape_race_calls';
    const series = `${metric}_total{service_name="${SERVICE}"}`;
    const armedAt = Date.now() / 1000;
    let sentAt = 0;
    const sent = new Promise<void>((resolve, reject) => {
      duringNextScrape = async () => {
        try {
          const startNs = BigInt(Date.now() - 20) * MS;
          sentAt = Date.now() / 1000;
          const process = { otlpHttpUrl: stack!.otlpHttpUrl, service: SERVICE, instance: 'one', startNs };
          await sendCounterPoints(process, metric, [{ startMs: 0, timeMs: 20, value: 3 }]);
          await waitFor(`${metric} in the collector's metrics`, async () => {
            const body = await (await fetch(collectorMetricsUrl)).text();
            return body.includes(`${metric}_total{`) || undefined;
          });
          resolve();
        } catch (error) {
          reject(error);
        }
      };
    });
    await waitFor('the proxy to run the point in a scrape', async () => sent.then(() => true), {
      timeoutMs: 20_000,
    });
    // Four scrapes more, so the series has samples after the one the point raced.
    const after = Date.now() / 1000 + 20;
    const at = await waitFor(
      'four more scrapes',
      async () => {
        const t = await lastScrape(stack!.prometheusUrl, SCRAPE_JOB);
        return t > after ? t : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 1_000 },
    );
    // A range that starts well before the point: what a dashboard's "last hour" is to it.
    const range = `${Math.ceil(at - armedAt) + 30}s`;
    const stored = await describeRangeSelectors(stack!.prometheusUrl, `${series}[${range}]`, at, armedAt);

    // The race happened: the scrape that first saw the point was stamped before the point was sent. Both times are
    // in whole milliseconds, and a scrape that began in the millisecond the point was sent is stamped with it (CI saw
    // that), so the stamp may equal the send; a later scrape would be one interval (5 s) after it.
    const [samples] = await rangeSamples(stack!.prometheusUrl, `${series}[${range}]`, at);
    const firstSeen = samples?.values.find(([, v]) => v > 0)?.[0];
    expect(firstSeen, `no sample of ${series}:\n${stored}`).toBeDefined();
    expect(firstSeen!, `the point missed the scrape it was sent in:\n${stored}`).toBeLessThanOrEqual(sentAt);

    const [increase] = await instantQuery(stack!.prometheusUrl, `sum(increase(${series}[${range}]))`, at);
    expect(increase?.value, `increase() over ${range} at +${(at - armedAt).toFixed(3)}:\n${stored}`).toBe(3);
    expect(samples!.values[0]![1], `the first sample is not the 0:\n${stored}`).toBe(0);
  });
});
