/** One point of a cumulative counter, as the Node SDK exports it. */
export interface CounterPoint {
  /** ms after the process's start. */
  startMs: number;
  timeMs: number;
  value: number;
}

export interface CounterProcess {
  /** The collector's OTLP/HTTP base URL. */
  otlpHttpUrl: string;
  service: string;
  /** `service.instance.id`: what tells one process from another. */
  instance: string;
  /** When the process started, in ns since the epoch. */
  startNs: bigint;
}

const MS = 1_000_000n;

/**
 * Sends `points` of the monotonic counter `metric` of one process as OTLP/JSON, one request each, each after the
 * previous was answered (as @aiotel/node does); throws unless the collector answers 200.
 */
export async function sendCounterPoints(
  process: CounterProcess,
  metric: string,
  points: CounterPoint[],
): Promise<void> {
  for (const point of points) {
    const body = {
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: process.service } },
              { key: 'service.instance.id', value: { stringValue: process.instance } },
            ],
          },
          scopeMetrics: [
            {
              scope: { name: process.service },
              metrics: [
                {
                  name: metric,
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        startTimeUnixNano: String(process.startNs + BigInt(point.startMs) * MS),
                        timeUnixNano: String(process.startNs + BigInt(point.timeMs) * MS),
                        asInt: String(point.value),
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${process.otlpHttpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200)
      throw new Error(
        `the collector answered ${response.status} to a point of ${metric}: ${await response.text()}`,
      );
  }
}
