import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackBinaries } from './binaries.js';
import { SHIPPED } from './paths.js';
import { freePorts } from './ports.js';
import { ProcessGroup } from './processes.js';
import { getJson, StopWaiting, waitFor } from './wait.js';

/** Where the running stack listens (all on 127.0.0.1, free ports). */
export interface RunningStack {
  /** Base URL for OTLP/HTTP, what an app gets as OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpHttpUrl: string;
  collectorHealthUrl: string;
  /** The collector's Prometheus exporter, `<url>/metrics`. */
  collectorMetricsUrl: string;
  jaegerUrl: string;
  prometheusUrl: string;
  /** Folder with the logs and the rendered Prometheus config. */
  workDir: string;
  /** Stops every process of the stack (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/**
 * The feature flags of the prometheus service in docker-compose.yml: exemplars, and a 0 at each counter's start
 * (created timestamp) so that increase() counts a series' first sample.
 */
export const PROMETHEUS_FEATURES = ['--enable-feature=exemplar-storage,created-timestamp-zero-ingestion'];

/** The scrape target in the shipped prometheus.yml (the compose service). */
const COMPOSE_SCRAPE_TARGET = 'collector:8889';

/**
 * Prometheus reads no environment variables in its config, so the suite renders the shipped file with the
 * scrape target (the collector's loopback address, or what `scrapeVia` returns) as the only change, and copies
 * the shipped alert rules next to it.
 */
function renderPrometheusConfig(workDir: string, scrapeTarget: string): string {
  const shipped = readFileSync(SHIPPED.prometheusConfig, 'utf8');
  if (!shipped.includes(COMPOSE_SCRAPE_TARGET)) {
    throw new Error(
      `${SHIPPED.prometheusConfig} no longer scrapes ${COMPOSE_SCRAPE_TARGET}: update the suite`,
    );
  }
  const file = join(workDir, 'prometheus.yml');
  writeFileSync(file, shipped.replaceAll(COMPOSE_SCRAPE_TARGET, scrapeTarget));
  copyFileSync(SHIPPED.alertRules, join(workDir, 'alerts.yml'));
  return file;
}

export interface StackOptions {
  /**
   * Puts something between Prometheus and the collector: called with the collector's metrics URL before
   * Prometheus starts, returns the `host:port` Prometheus scrapes instead (e.g. a proxy that slows scrapes).
   * Called again, with the new URL, when the stack starts over on other ports.
   */
  scrapeVia?: (collectorMetricsUrl: string) => Promise<string>;
}

/**
 * How many times the stack starts over on other ports when one of its processes could not bind a port: the ports
 * are picked free (listen on port 0, close), and another socket can take one before the process binds it (an
 * outgoing connection's local port comes from the same range).
 */
const START_ATTEMPTS = 3;
/** What Go's net package (the collector, Jaeger, Prometheus) logs when a port is taken. */
const PORT_TAKEN = 'address already in use';

/**
 * Starts Jaeger, the collector and Prometheus on loopback with the shipped configuration (ports through the
 * configs' environment variables) and waits until each says it is ready and Prometheus scrapes the collector.
 * On any failure, stops what it started before rethrowing; when a process exited because a port was taken,
 * starts over on other ports first (logs of a second attempt are `<name>-2.log`).
 */
export async function startStack(
  binaries: StackBinaries,
  workDir: string,
  options: StackOptions = {},
): Promise<RunningStack> {
  mkdirSync(workDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOnce(binaries, workDir, options, attempt);
    } catch (error) {
      const taken = STACK_PROCESSES.map((name) => logPath(workDir, name, attempt)).find(
        (log) => existsSync(log) && readFileSync(log, 'utf8').includes(PORT_TAKEN),
      );
      if (taken === undefined || attempt >= START_ATTEMPTS) throw error;
      console.warn(
        `e2e stack: a port was taken before its process bound it (${taken}); starting over on other ports`,
      );
    }
  }
}

const STACK_PROCESSES = ['jaeger', 'collector', 'prometheus'] as const;

/** What an attempt writes under `name` (a log, Prometheus's data): `name`, or `name-<attempt>` when the stack started over. */
function ofAttempt(name: string, attempt: number): string {
  return attempt === 1 ? name : `${name}-${attempt}`;
}

/** A stack process's log: `<name>.log`, `<name>-<attempt>.log` when the stack started over. */
function logPath(workDir: string, name: (typeof STACK_PROCESSES)[number], attempt: number): string {
  return join(workDir, `${ofAttempt(name, attempt)}.log`);
}

async function startStackOnce(
  binaries: StackBinaries,
  workDir: string,
  options: StackOptions,
  attempt: number,
): Promise<RunningStack> {
  const logFile = (name: (typeof STACK_PROCESSES)[number]) => logPath(workDir, name, attempt);
  const group = new ProcessGroup();
  const [otlpGrpc, otlpHttp, health, promExporter, jOtlpGrpc, jOtlpHttp, jQuery, jQueryGrpc, jHealth, prom] =
    await freePorts(10);
  const stack: RunningStack = {
    otlpHttpUrl: `http://127.0.0.1:${otlpHttp}`,
    collectorHealthUrl: `http://127.0.0.1:${health}/`,
    collectorMetricsUrl: `http://127.0.0.1:${promExporter}/metrics`,
    jaegerUrl: `http://127.0.0.1:${jQuery}`,
    prometheusUrl: `http://127.0.0.1:${prom}`,
    workDir,
    stop: () => group.stopAll(),
  };
  try {
    const jaeger = group.start('jaeger', binaries.jaeger, ['--config', SHIPPED.jaegerConfig], {
      logFile: logFile('jaeger'),
      env: {
        ...process.env,
        JAEGER_LISTEN_HOST: '127.0.0.1',
        JAEGER_OTLP_GRPC_PORT: String(jOtlpGrpc),
        JAEGER_OTLP_HTTP_PORT: String(jOtlpHttp),
        JAEGER_QUERY_HTTP_PORT: String(jQuery),
        JAEGER_QUERY_GRPC_PORT: String(jQueryGrpc),
        JAEGER_HEALTH_PORT: String(jHealth),
      },
    });
    const collector = group.start('collector', binaries.otelcol, ['--config', SHIPPED.collectorConfig], {
      logFile: logFile('collector'),
      env: {
        ...process.env,
        COLLECTOR_LISTEN_HOST: '127.0.0.1',
        COLLECTOR_OTLP_GRPC_PORT: String(otlpGrpc),
        COLLECTOR_OTLP_HTTP_PORT: String(otlpHttp),
        COLLECTOR_HEALTH_PORT: String(health),
        COLLECTOR_PROMETHEUS_PORT: String(promExporter),
        JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${jOtlpGrpc}`,
      },
    });
    const scrapeTarget =
      (await options.scrapeVia?.(stack.collectorMetricsUrl)) ?? `127.0.0.1:${promExporter}`;
    const prometheusConfig = renderPrometheusConfig(workDir, scrapeTarget);
    const prometheus = group.start(
      'prometheus',
      binaries.prometheus,
      [
        `--config.file=${prometheusConfig}`,
        `--storage.tsdb.path=${join(workDir, ofAttempt('prometheus-data', attempt))}`,
        `--web.listen-address=127.0.0.1:${prom}`,
        // What docker-compose.yml runs Prometheus with (see collector/README.md for why).
        ...PROMETHEUS_FEATURES,
      ],
      { logFile: logFile('prometheus') },
    );
    const alive = (p: typeof jaeger) => {
      if (p.child.exitCode !== null)
        throw new StopWaiting(`${p.name} exited (${p.child.exitCode}); see ${p.logFile}`);
    };
    await waitFor('Jaeger health', async (signal) => {
      alive(jaeger);
      return (await fetch(`http://127.0.0.1:${jHealth}/status`, { signal })).ok || undefined;
    });
    await waitFor('collector health', async (signal) => {
      alive(collector);
      return (await fetch(stack.collectorHealthUrl, { signal })).ok || undefined;
    });
    await waitFor('Prometheus ready', async (signal) => {
      alive(prometheus);
      return (await fetch(`${stack.prometheusUrl}/-/ready`, { signal })).ok || undefined;
    });
    await waitFor(
      'Prometheus scraping the collector',
      async (signal) => {
        alive(prometheus);
        const targets = await getJson<{ data: { activeTargets: { health: string }[] } }>(
          `${stack.prometheusUrl}/api/v1/targets`,
          signal,
        );
        return targets?.data.activeTargets.some((t) => t.health === 'up') || undefined;
      },
      { timeoutMs: 20_000 },
    );
    return stack;
  } catch (error) {
    await group.stopAll();
    // startStack reads the logs for why a process exited.
    await group.logsWritten();
    throw error;
  }
}
