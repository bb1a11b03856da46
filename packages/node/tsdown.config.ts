import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

/**
 * The OpenTelemetry SDK the preload runs is bundled into this package's own module, with
 * `@aiotel/aggregating-meter-provider` (all devDependencies here). Loaded from node_modules as ES modules they were
 * some 280 modules, each kept alive for the process's life with its module record, its whole source (the semantic
 * conventions' ESM entry alone, 341 KB, for three attribute names the trace SDK uses) and its exports' bindings: some
 * 2 MiB of heap that every full collection walks, and a module load each at start (bench/journal.md, the session of
 * 09:25 UTC, 2026-12-05). The OpenTelemetry API and the instrumentation base stay dependencies (the app and the
 * instrumentations share them). Any other package of node_modules that would end up in the bundle is an error.
 */
const BUNDLED = [
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/core',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/otlp-exporter-base',
  '@opentelemetry/otlp-transformer',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/semantic-conventions',
];

const shared = {
  ...packageBuild,
  // The package script empties dist/ once: two builds write there, and one must not clean the other's files.
  clean: false,
  deps: { onlyBundle: BUNDLED },
} as const;

// `./register` has one source per module system: the ESM one installs the loader hook and awaits it at top level,
// which a CommonJS file cannot do, and `--require` needs no hook.
export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts', register: 'src/register.ts' }, format: 'esm' },
  { ...shared, entry: { index: 'src/index.ts', register: 'src/register-require.ts' }, format: 'cjs' },
]);
