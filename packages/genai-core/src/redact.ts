import type { Attributes, AttributeValue } from '@opentelemetry/api';

/** What replaces a secret in exported telemetry (the word the semantic conventions use for `url.full`). */
export const REDACTED = 'REDACTED';

/**
 * URL query parameters whose values are always redacted: exact names (matched case-insensitively, `-` and `_`
 * alike) plus any name that contains one of {@link SECRET_NAME_PARTS}.
 */
export const REDACTED_QUERY_PARAMETERS: readonly string[] = [
  'key',
  'api_key',
  'apikey',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth',
  'authorization',
  'sig',
  'signature',
  'x-goog-signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'awsaccesskeyid',
  'code',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'pwd',
  'session',
  'sessionid',
  'credential',
];

/** Parts of a header or query parameter name that mark its value as a secret (`subscription-key`, `x-auth-token`…). */
const SECRET_NAME_PARTS = [
  'key',
  'token',
  'secret',
  'password',
  'signature',
  'credential',
  'auth',
  'cookie',
  'session',
];

/** Headers whose names look secret but hold per-request ids; remembering them would only crowd out real keys. */
const NOT_CREDENTIAL_HEADERS = new Set(['idempotency-key', 'x-idempotency-key']);

/** Secrets shorter than this are not remembered: replacing short common strings everywhere would mangle telemetry. */
const MIN_SECRET_LENGTH = 8;
/** Remembered secrets are few (a process talks to a handful of APIs); the cap keeps memory and scan time bounded. */
const MAX_SECRETS = 64;

/** Environment variables that hold credentials, e.g. `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `HF_TOKEN`. */
const SECRET_ENV_NAME = /(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD)$/i;
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization header values that leak into messages; the digit keeps prose ("Basic understanding") intact.
  [/\b(Bearer|Basic|Token)\s+(?=[A-Za-z\-._~+/]*\d)[A-Za-z0-9\-._~+/]{8,}=*/g, `$1 ${REDACTED}`],
  // OpenAI (`sk-…`, `sk-proj-…`), Anthropic (`sk-ant-…`) and relay (`sk-or-…`) keys, also as the API's masked echo
  // (`sk-proj-****…abcd`); Google API keys (`AIza…`).
  [/\bsk-[A-Za-z0-9_*-]{16,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  // `user:password@` in URLs.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}:${REDACTED}@`],
];
/**
 * What every one of {@link CREDENTIAL_PATTERNS} and the query-parameter pattern needs in a string to match (`=`,
 * `@`, or its literal prefix): a string without any of them is skipped with this one scan. Keep in step with
 * the patterns.
 */
const MAY_HOLD_CREDENTIAL = /[=@]|Bearer|Basic|Token|sk-|AIza/;
const REQUEST_HEADER_ATTRIBUTE = 'http.request.header.';
const RESPONSE_HEADER_ATTRIBUTE = 'http.response.header.';
const SECRET_NAME = new RegExp(SECRET_NAME_PARTS.join('|'));
/** Header and attribute names recur (a client sends the same dozen headers on every request): remember verdicts. */
const secretNames = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 1024;

/** Is a header or query parameter with this name a credential? */
export function isSecretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = SECRET_NAME.test(name.toLowerCase());
    if (secretNames.size < MAX_REMEMBERED_NAMES) secretNames.set(name, secret);
  }
  return secret;
}

/**
 * Does a request header with this lower-case name carry a credential to learn (`authorization`, `api-key`,
 * `x-api-key`, `x-goog-api-key`, …)? Idempotency keys are not credentials.
 */
export function isCredentialHeader(name: string): boolean {
  return isSecretName(name) && !NOT_CREDENTIAL_HEADERS.has(name);
}

const LETTER_H = 0x68;
/** Where the `h` of `.header.` is in a request header attribute (`http.request.header.…`) and a response one. */
const REQUEST_HEADER_H = 13;
const RESPONSE_HEADER_H = 14;

/**
 * Is this attribute a captured credential header (`http.request.header.authorization`, …)? Runs for every attribute
 * of every exported span. The character test (the `h` of `http`, and the `h` of `.header.` after `http.request` or
 * `http.response`) turns away the common keys (`gen_ai.…`, `server.port`) before the prefix checks, so that V8 does
 * not compile those checks into `redactValue` while no header key comes by: its optimizing compile took 3.7 ms with
 * them inlined and 1.3 without, work every process does early in its life (bench/journal.md, session of 21:06 UTC
 * 2026-12-05).
 */
function isSecretHeaderKey(key: string): boolean {
  return (
    key.charCodeAt(0) === LETTER_H &&
    (key.charCodeAt(REQUEST_HEADER_H) === LETTER_H || key.charCodeAt(RESPONSE_HEADER_H) === LETTER_H) &&
    isSecretHeaderName(key)
  );
}

/** Is the key `http.request.header.<name>` or `http.response.header.<name>`, with a credential's name? */
function isSecretHeaderName(key: string): boolean {
  const prefix = key.startsWith(REQUEST_HEADER_ATTRIBUTE)
    ? REQUEST_HEADER_ATTRIBUTE
    : key.startsWith(RESPONSE_HEADER_ATTRIBUTE)
      ? RESPONSE_HEADER_ATTRIBUTE
      : undefined;
  return prefix !== undefined && isSecretName(key.slice(prefix.length));
}

/**
 * Scrubs secrets out of telemetry values: key-like URL query parameter values, credential headers captured as
 * attributes, `Bearer …` tokens, key-shaped strings, and the exact API keys this process is
 * known to use (from credential environment variables, from the `Authorization` / `api-key` / `x-api-key` headers
 * of outgoing requests, from the SDK client), wherever they appear (URLs, exception messages, event attributes,
 * status messages). Every aiotel package scrubs with this one rule set and writes {@link REDACTED} in place.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  /** The secrets as an array (iterated for every string, so without an iterator object) and the shortest length. */
  #secretList: readonly string[] = [];
  #shortestSecret = Number.POSITIVE_INFINITY;
  #lastHeader = '';
  #lastHeaderSecret = '';
  readonly #queryParameter: RegExp;

  constructor(
    options: {
      /** More query parameter names whose values are redacted. */
      readonly queryParameters?: readonly string[];
      /** Environment whose credential variables (`*_API_KEY`, `*_TOKEN`, …) are remembered as secrets. */
      readonly env?: Readonly<Record<string, string | undefined>>;
    } = {},
  ) {
    const names = [...REDACTED_QUERY_PARAMETERS, ...(options.queryParameters ?? [])].map(namePattern);
    const parts = SECRET_NAME_PARTS.filter((part) => part !== 'cookie').map(escapeRegExp);
    // A parameter is `name=value` after `?`, `&` or `;`, or at the very start (a bare `url.query`).
    this.#queryParameter = new RegExp(
      `((?:^|[?&;])(?:${names.join('|')}|[^=&#?;\\s]*(?:${parts.join('|')})[^=&#?;\\s]*)=)[^&#;\\s"'<>]*`,
      'gi',
    );
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value !== undefined && SECRET_ENV_NAME.test(name) && !/\s/.test(value)) this.addSecret(value);
    }
  }

  /** Remembers a secret value so that it is replaced wherever it appears. Ignores values too short to be keys. */
  addSecret(value: string): void {
    const secret = value.trim();
    if (secret.length < MIN_SECRET_LENGTH || this.#secrets.has(secret)) return;
    // Tokens rotate (short-lived bearer tokens): forget the oldest rather than stop learning.
    if (this.#secrets.size >= MAX_SECRETS) {
      const oldest = this.#secrets.values().next().value;
      if (oldest !== undefined) this.#secrets.delete(oldest);
    }
    this.#secrets.add(secret);
    this.#secretList = [...this.#secrets];
    this.#shortestSecret = Math.min(...this.#secretList.map((s) => s.length));
  }

  /** Remembers the credential in an `Authorization`-like header value (`Bearer sk-…` → `sk-…`). */
  addSecretFromHeader(value: string): void {
    // Every request of a client carries the same header: skip re-parsing it while its secret is remembered, or when
    // it holds none worth remembering (local servers take keys like `ollama`; parsing it again on every request
    // only cost time).
    if (
      value === this.#lastHeader &&
      (this.#lastHeaderSecret === '' || this.#secrets.has(this.#lastHeaderSecret))
    ) {
      return;
    }
    const space = value.indexOf(' ');
    const secret =
      space > 0 && /^(bearer|basic|token)$/i.test(value.slice(0, space)) ? value.slice(space + 1) : value;
    this.addSecret(secret);
    const trimmed = secret.trim();
    this.#lastHeader = value;
    this.#lastHeaderSecret = trimmed.length < MIN_SECRET_LENGTH ? '' : trimmed;
  }

  /** Returns `text` with every secret replaced by {@link REDACTED}; the same string when there is nothing to scrub. */
  redactString(text: string): string {
    // Indexed loops, no `for…of` or destructuring: those compile to the iterator protocol, and this runs for every
    // attribute of every exported span, so V8's optimizing compiler (which works in the app's process) compiles it
    // early, into every caller it is inlined in (bench/journal.md).
    let result = text;
    if (result.length >= this.#shortestSecret) {
      const secrets = this.#secretList;
      for (let i = 0; i < secrets.length; i++) {
        const secret = secrets[i] as string;
        if (result.includes(secret)) result = result.replaceAll(secret, REDACTED);
      }
    }
    if (!MAY_HOLD_CREDENTIAL.test(result)) return result;
    return this.#scrubPatterns(result);
  }

  /** The credential patterns, for a string that may hold one. */
  #scrubPatterns(text: string): string {
    let result = text;
    if (result.includes('=')) result = result.replace(this.#queryParameter, `$1${REDACTED}`);
    for (let i = 0; i < CREDENTIAL_PATTERNS.length; i++) {
      const entry = CREDENTIAL_PATTERNS[i] as [RegExp, string];
      const pattern = entry[0];
      pattern.lastIndex = 0;
      if (pattern.test(result)) result = result.replace(pattern, entry[1]);
    }
    return result;
  }

  /**
   * Redacts one attribute value; credential headers lose their value entirely. An array comes back as the same
   * array when none of its items changed.
   */
  redactValue(key: string, value: AttributeValue): AttributeValue {
    if (isSecretHeaderKey(key)) {
      if (!Array.isArray(value)) return REDACTED;
      return value.length === 1 && value[0] === REDACTED ? value : [REDACTED];
    }
    if (typeof value === 'string') return this.redactString(value);
    return Array.isArray(value) ? this.#redactItems(value) : value;
  }

  // A plain loop, not `some`/`map` callbacks, for the reason given in redactString: the callback version took
  // 10–15 ms per compilation and was compiled twice (arrays of several shapes deoptimized it).
  #redactItems(values: readonly unknown[]): AttributeValue {
    let copy: unknown[] | undefined;
    for (let i = 0; i < values.length; i++) {
      const item = values[i];
      if (typeof item !== 'string') continue;
      const redacted = this.redactString(item);
      if (redacted !== item) {
        copy ??= values.slice();
        copy[i] = redacted;
      }
    }
    return (copy ?? values) as AttributeValue;
  }

  /** Redacts a set of attributes; returns the same object when nothing changed (no copy on the common path). */
  redactAttributes(attributes: Attributes): Attributes {
    let copy: Attributes | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined || value === null) continue;
      const redacted = this.redactValue(key, value);
      if (redacted !== value) {
        copy ??= { ...attributes };
        copy[key] = redacted;
      }
    }
    return copy ?? attributes;
  }
}

function namePattern(name: string): string {
  return escapeRegExp(name.toLowerCase()).replace(/[-_]/g, '[-_]');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
