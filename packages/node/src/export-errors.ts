/**
 * What went wrong with an export, one class per fix the user has to make; each failure is reported once per class
 * (see ExportHealth), with a message that says what to change.
 */
export type ExportFailureKind =
  | 'refused'
  | 'dns'
  | 'grpc-port'
  | 'tls'
  | 'timeout'
  | 'path-doubled'
  | 'http-status'
  | 'network'
  | 'abandoned';

/** A failed export, with a one-line message that names the likely cause and the fix. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly kind: ExportFailureKind,
    message: string,
    /** The HTTP status the collector answered, when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** How far a request got before it failed: what a timeout means depends on it. */
export type RequestPhase = 'connecting' | 'tls-handshake' | 'waiting-for-answer' | 'reading-answer';

/** The OTLP/gRPC port of the collector: an HTTP/1.1 client reaching it reads an HTTP/2 frame. */
const GRPC_PORT = '4317';

const TLS_PLAIN_HTTP = /wrong version number|packet length too long|ERR_SSL_HTTP_REQUEST|unknown protocol/i;

/** A network-level failure (the request never got an HTTP answer). */
export function networkFailure(error: NodeJS.ErrnoException, url: URL): ExportError {
  const code = error.code ?? '';
  const where = `${url.hostname}:${port(url)}`;
  if (code === 'ECONNREFUSED') {
    return new ExportError(
      'refused',
      `connection refused: nothing listens on ${where}; is the collector running?`,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
    return new ExportError(
      'dns',
      `unknown host "${url.hostname}" (DNS lookup failed: ${code}); check the host name in the endpoint URL`,
    );
  }
  if (code.startsWith('HPE_')) {
    const onGrpcPort =
      port(url) === GRPC_PORT
        ? `port ${GRPC_PORT} is the collector's OTLP/gRPC port`
        : `is this the collector's OTLP/gRPC port (usually ${GRPC_PORT})?`;
    return new ExportError(
      'grpc-port',
      `the endpoint does not speak HTTP/1.1 (${error.message}): ${onGrpcPort}; @aiotel/node sends OTLP/HTTP, ` +
        'use the collector OTLP/HTTP port (usually 4318)',
    );
  }
  if (isTlsError(code, error.message)) {
    const fix = TLS_PLAIN_HTTP.test(error.message)
      ? 'the endpoint speaks plain HTTP: use http:// instead of https://'
      : "if the collector's certificate is signed by a private CA, set OTEL_EXPORTER_OTLP_CERTIFICATE to that CA's PEM file";
    return new ExportError('tls', `TLS failed (${code || error.message}): ${fix}`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return new ExportError(
      'network',
      `the collector at ${where} closed the connection (${code}); is it an OTLP/HTTP receiver?`,
    );
  }
  return new ExportError('network', `cannot reach ${where} (${code || error.message})`);
}

/** The request got no (complete) answer in time. */
export function timeoutFailure(timeoutMillis: number, phase: RequestPhase, url: URL): ExportError {
  const where = `${url.hostname}:${port(url)}`;
  const what: Record<RequestPhase, string> = {
    connecting: `no connection to ${where}`,
    'tls-handshake': `the TLS handshake with ${where} did not complete (if the collector serves plain HTTP, use http://)`,
    'waiting-for-answer': `the collector at ${where} accepted the export but did not answer`,
    'reading-answer': `the collector at ${where} did not finish its answer`,
  };
  return new ExportError('timeout', `${what[phase]} within ${timeoutMillis} ms (OTEL_EXPORTER_OTLP_TIMEOUT)`);
}

/** The collector answered with a status that is not 2xx. */
export function statusFailure(status: number, statusText: string, body: string, url: URL): ExportError {
  const answered = `the collector answered ${status} ${statusText || ''}`.trimEnd();
  const doubled = /\/v1\/(traces|metrics|logs)\/v1\/(traces|metrics|logs)\/?$/.exec(url.pathname);
  if (status === 404 && doubled) {
    const signal = doubled[2] ?? 'traces';
    return new ExportError(
      'path-doubled',
      `${answered} for ${url.pathname}: OTEL_EXPORTER_OTLP_ENDPOINT is the base URL and already ends with ` +
        `/v1/${doubled[1]}; drop that path, or set OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT to the full URL`,
      status,
    );
  }
  const detail = oneLine(body);
  const hint =
    status === 404
      ? /\/v1\/(traces|metrics|logs)$/.test(url.pathname)
        ? `: nothing serves ${url.pathname} there; is this the collector's OTLP/HTTP port (usually 4318)?`
        : `: nothing serves ${url.pathname}; the collector's OTLP/HTTP receiver takes /v1/traces and /v1/metrics`
      : status === 401 || status === 403
        ? ': check the credentials sent in OTEL_EXPORTER_OTLP_HEADERS'
        : status === 413
          ? ': the batch is too large for the collector; lower OTEL_BSP_MAX_EXPORT_BATCH_SIZE'
          : /HTTP request to an HTTPS server/i.test(body)
            ? ': the endpoint expects TLS; use https://'
            : detail
              ? ` (${detail})`
              : '';
  return new ExportError('http-status', `${answered}${hint}`, status);
}

/** The export was still in flight when the shutdown gave up on it. */
export function abandonedFailure(): ExportError {
  return new ExportError('abandoned', 'export abandoned: telemetry was shut down while it was in flight');
}

function isTlsError(code: string, message: string): boolean {
  return (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    code === 'EPROTO' ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) ||
    /SSL routines|TLS/.test(message)
  );
}

function port(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** The first 200 characters of a response body, on one line. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
