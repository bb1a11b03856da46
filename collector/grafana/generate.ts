/**
 * Writes the dashboards Grafana provisions (collector/grafana/dashboards/*.json) from their TypeScript
 * definitions. Run after changing a definition: `pnpm --filter @aiotel/e2e dashboards` (Node >= 22.18 runs
 * TypeScript directly). The end-to-end suite checks the committed files equal what this generates.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aiCost } from './ai-cost.ts';
import { aiLatencyReliability } from './ai-latency-reliability.ts';
import { dashboardJson } from './dashboard-model.ts';

/** Output folder: what docker-compose.yml mounts at /var/lib/grafana/dashboards. */
export const DASHBOARDS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');

/** File name → dashboard JSON model, for every aiotel dashboard. */
export function generateDashboards(): Record<string, unknown> {
  return {
    'ai-cost.json': dashboardJson(aiCost),
    'ai-latency-reliability.json': dashboardJson(aiLatencyReliability),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = Object.entries(generateDashboards()).map(([file, json]) => {
    writeFileSync(join(DASHBOARDS_DIR, file), `${JSON.stringify(json, null, 2)}\n`);
    return join(DASHBOARDS_DIR, file);
  });
  // In the repository's Biome style, so `pnpm lint` stays clean (the test compares parsed JSON, not text).
  const biome = join(DASHBOARDS_DIR, '../../../node_modules/.bin/biome');
  const formatted = spawnSync(biome, ['format', '--write', ...files], { stdio: 'inherit' });
  if (formatted.status !== 0) process.exitCode = 1;
  for (const file of files) console.log(`wrote ${file}`);
}
