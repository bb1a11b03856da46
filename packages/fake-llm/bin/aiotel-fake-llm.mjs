#!/usr/bin/env node
// A committed shim, so that installing the workspace links the bin before any build has made dist/.
try {
  await import('../dist/cli.mjs');
} catch (error) {
  // In a fresh clone dist/ is not built yet: say so instead of a bare module-not-found stack.
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('cli.mjs')) {
    console.error(
      'aiotel-fake-llm: dist/cli.mjs is missing; build first: pnpm --filter @aiotel/fake-llm build',
    );
    process.exit(1);
  }
  throw error;
}
