import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts', 'src/genai.ts'],
  format: ['esm', 'cjs'],
  clean: true,
});
