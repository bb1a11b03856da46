import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  clean: true,
});
