// What every package build shares: Node 22+ output with types and source maps. A package adds its entries,
// its formats (ESM + CJS for all but the preload, which builds each format from its own entry) and `clean`.
export const packageBuild = {
  dts: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  // JSDoc stays in the .d.ts files (editors read it there) and the source maps, not in the JavaScript: V8 keeps every
  // module's source alive, two bytes a character once a comment has one `…` or `→`. 532 -> 429 KB of ESM in all.
  // For the same reason the JavaScript is ASCII: a string literal's `—` or `…` is written as its `\u` escape, or
  // one such character in a module would double the memory its whole source takes in every process.
  outputOptions: { comments: { legal: true, annotation: true, jsdoc: false }, charset: 'ascii' },
} as const;
