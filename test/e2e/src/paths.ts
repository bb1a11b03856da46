import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/e2e/src → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The folder of the configuration under test: `collector/`, or AIOTEL_E2E_COLLECTOR_DIR to run the suite on
 * another version of it (e.g. `git archive <commit> collector | tar -x -C /tmp/old` and `/tmp/old/collector`).
 */
const COLLECTOR_DIR = process.env.AIOTEL_E2E_COLLECTOR_DIR || join(REPO_ROOT, 'collector');

/** The shipped configuration the suite runs: the same files docker-compose.yml mounts. */
export const SHIPPED = {
  collectorConfig: join(COLLECTOR_DIR, 'otelcol-config.yaml'),
  collectorManifest: join(REPO_ROOT, 'collector/builder-config.yaml'),
  jaegerConfig: join(COLLECTOR_DIR, 'jaeger/config.yaml'),
  prometheusConfig: join(COLLECTOR_DIR, 'prometheus/prometheus.yml'),
  alertRules: join(COLLECTOR_DIR, 'prometheus/alerts.yml'),
  dashboardsDir: join(COLLECTOR_DIR, 'grafana/dashboards'),
  compose: join(REPO_ROOT, 'docker-compose.yml'),
  installScript: join(REPO_ROOT, 'test/e2e/scripts/install-stack.sh'),
};
