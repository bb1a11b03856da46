import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/e2e/src → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The shipped configuration the suite runs: the same files docker-compose.yml mounts. */
export const SHIPPED = {
  collectorConfig: join(REPO_ROOT, 'collector/otelcol-config.yaml'),
  collectorManifest: join(REPO_ROOT, 'collector/builder-config.yaml'),
  jaegerConfig: join(REPO_ROOT, 'collector/jaeger/config.yaml'),
  prometheusConfig: join(REPO_ROOT, 'collector/prometheus/prometheus.yml'),
  alertRules: join(REPO_ROOT, 'collector/prometheus/alerts.yml'),
  dashboardsDir: join(REPO_ROOT, 'collector/grafana/dashboards'),
  compose: join(REPO_ROOT, 'docker-compose.yml'),
  installScript: join(REPO_ROOT, 'test/e2e/scripts/install-stack.sh'),
};
