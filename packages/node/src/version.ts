/** Instrumentation scope name of the HTTP client spans and of `http.client.request.duration`. */
export const PACKAGE_NAME = '@aiotel/node';
/** Keep in step with package.json. */
export const PACKAGE_VERSION = '0.1.0';
