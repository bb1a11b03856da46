// @ts-check
/**
 * Preload: `node --import ./src/telemetry.mjs src/app.mjs`. The aiotel preload, with `app.feature` and
 * `app.tenant` allowed on metrics too (spans always carry them), so dashboards can sum cost per feature.
 * The same as `AIOTEL_METRIC_ATTRIBUTES=app.feature,app.tenant node --import @aiotel/node/register src/app.mjs`.
 */
process.env.AIOTEL_METRIC_ATTRIBUTES ||= 'app.feature,app.tenant';
await import('@aiotel/node/register');
