/** Instrumentation scope name: also the meter and tracer name. */
export const PACKAGE_NAME = '@aiotel/instrumentation-anthropic';
/** Keep in step with package.json. */
export const PACKAGE_VERSION = '0.1.0';
