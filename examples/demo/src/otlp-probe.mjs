// @ts-check
import { connect } from 'node:net';

/** The OTLP/HTTP default of the OpenTelemetry specification. */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/**
 * The OTLP/HTTP endpoint the exporters will use: the traces-specific variable first, then the general one.
 *
 * @param {NodeJS.ProcessEnv} env
 * @returns {string}
 */
export function otlpEndpointFrom(env) {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || DEFAULT_OTLP_ENDPOINT;
}

/**
 * Whether something accepts TCP connections at the endpoint's host and port, within `timeoutMs`
 * (default 300). Never throws: a malformed URL or any socket error is "not listening".
 *
 * @param {string} endpoint
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
export function isListening(endpoint, timeoutMs = 300) {
  /** @type {URL} */
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port, autoSelectFamily: true });
    /** @param {boolean} listening */
    const settle = (listening) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(listening);
    };
    const timer = setTimeout(() => settle(false), timeoutMs);
    socket.once('connect', () => settle(true));
    socket.once('error', () => settle(false));
  });
}
