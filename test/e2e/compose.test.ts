import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, SHIPPED } from './src/paths.js';
import { PROMETHEUS_FEATURES } from './src/stack.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** dclint: the current Compose Specification schema plus best-practice rules (style-only ordering rules off). */
function dclint(file: string): { status: number | null; errors: number; warnings: number; messages: string } {
  const bin = join(HERE, 'node_modules/.bin/dclint');
  const result = spawnSync(bin, ['-c', join(HERE, 'dclint.json'), '-f', 'json', file], { encoding: 'utf8' });
  const report = JSON.parse(result.stdout) as {
    errorCount: number;
    warningCount: number;
    messages: { rule: string; message: string }[];
  }[];
  return {
    status: result.status,
    errors: report.reduce((n, r) => n + r.errorCount, 0),
    warnings: report.reduce((n, r) => n + r.warningCount, 0),
    messages: report.flatMap((r) => r.messages.map((m) => `${m.rule}: ${m.message}`)).join('\n'),
  };
}

interface ComposeService {
  image?: string;
  volumes?: (string | { type?: string; source?: string })[];
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, { condition?: string }>;
  profiles?: string[];
  command?: string[];
}

const compose = parse(readFileSync(SHIPPED.compose, 'utf8')) as { services: Record<string, ComposeService> };

describe('docker-compose.yml', () => {
  it('is valid against the current Compose Specification and passes dclint', () => {
    const { status, errors, warnings, messages } = dclint(SHIPPED.compose);
    expect({ errors, warnings }, messages).toEqual({ errors: 0, warnings: 0 });
    expect(status).toBe(0);
  });

  it('is rejected by the same check when it has a key the Compose Specification does not know', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiotel-compose-'));
    const broken = join(dir, 'docker-compose.yml');
    writeFileSync(
      broken,
      'services:\n  collector:\n    image: otel/opentelemetry-collector-contrib:0.165.1\n    healthchek: {}\n',
    );
    const { status, errors, messages } = dclint(broken);
    expect(status).not.toBe(0);
    expect(errors).toBeGreaterThan(0);
    expect(messages).toMatch(/invalid-schema/);
  });

  it('mounts only files and folders that exist in the repository', () => {
    const sources = Object.values(compose.services).flatMap((service) =>
      (service.volumes ?? [])
        .map((volume) => (typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '')))
        .filter((source) => source.startsWith('.')),
    );
    expect(sources.length).toBeGreaterThanOrEqual(6);
    const missing = sources.filter((source) => !existsSync(resolve(REPO_ROOT, source)));
    expect(missing).toEqual([]);
  });

  it('pins every image to a version tag', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/^[\w./-]+:v?\d[\w.-]*$/);
    }
  });

  it('runs the collector, Jaeger, Prometheus, Grafana and Redis, and the demo only in the demo profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'collector',
      'demo',
      'grafana',
      'jaeger',
      'prometheus',
      'redis',
    ]);
    expect(compose.services.demo?.profiles).toEqual(['demo']);
    for (const name of ['collector', 'jaeger', 'prometheus', 'grafana', 'redis']) {
      expect(compose.services[name]?.profiles, name).toBeUndefined();
    }
  });

  it('health-checks every service whose image can run a probe, and orders startup with depends_on', () => {
    for (const name of ['jaeger', 'prometheus', 'grafana', 'redis']) {
      expect(compose.services[name]?.healthcheck?.test, name).toBeDefined();
    }
    expect(compose.services.collector?.depends_on?.jaeger?.condition).toBe('service_healthy');
    expect(compose.services.grafana?.depends_on?.prometheus?.condition).toBe('service_healthy');
    expect(compose.services.demo?.depends_on?.collector).toBeDefined();
  });

  it('runs Prometheus with the feature flags the end-to-end suite tests (created timestamps: right totals)', () => {
    const command = compose.services.prometheus?.command ?? [];
    for (const flag of PROMETHEUS_FEATURES) expect(command).toContain(flag);
  });
});
