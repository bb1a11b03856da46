// What every package build shares: Node 22+ output with types and source maps. A package adds its entries,
// its formats (ESM + CJS for all but the preload, which builds each format from its own entry) and `clean`.
export const packageBuild = {
  dts: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
} as const;
