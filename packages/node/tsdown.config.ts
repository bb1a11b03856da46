import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

const shared = {
  ...packageBuild,
  // The package script empties dist/ once: two builds write there, and one must not clean the other's files.
  clean: false,
} as const;

// `./register` has one source per module system: the ESM one installs the loader hook and awaits it at top level,
// which a CommonJS file cannot do, and `--require` needs no hook.
export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts', register: 'src/register.ts' }, format: 'esm' },
  { ...shared, entry: { index: 'src/index.ts', register: 'src/register-require.ts' }, format: 'cjs' },
]);
