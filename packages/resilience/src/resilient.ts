import { type ResilienceOptions, resolveOptions } from './options.js';
import { callParams } from './request-info.js';
import { createResilientFetch, type Fetch } from './resilient-fetch.js';
import { unwrapRefusalsOf } from './typed-errors.js';

/** What `resilient()` needs of a client: `withOptions()` of the `openai` SDK (>= 5) or `@anthropic-ai/sdk`. */
export interface ClientWithOptions {
  withOptions(options: { fetch?: Fetch; maxRetries?: number }): this;
}

/** Resources whose calls hand their params to the fetch, and their methods. */
const RESOURCES: readonly (readonly string[])[] = [
  ['chat', 'completions'],
  ['responses'],
  ['embeddings'],
  ['completions'],
  ['messages'],
  ['beta', 'messages'],
];
const METHODS = ['create', 'parse'] as const;

const resilientClients = new WeakSet<object>();

/**
 * Returns a client of the same type whose every API call (chat completions, responses, embeddings; streaming
 * or not) runs through the policy stack: budget → bulkhead → fallback → retry → circuit breaker → timeout.
 * The SDK's own retries are off (`maxRetries: 0`), so there is one retry loop; the given client is not
 * changed. Throws a `TypeError` naming the option when an option is invalid.
 *
 * @example
 * const client = resilient(new OpenAI(), { bulkhead: { limit: 5 } });
 */
export function resilient<C extends ClientWithOptions>(client: C, options?: ResilienceOptions): C {
  if (!client || typeof (client as Partial<ClientWithOptions>).withOptions !== 'function') {
    throw new TypeError(
      'resilient(): expected an OpenAI client (openai >= 5) or an Anthropic client (@anthropic-ai/sdk), which have withOptions()',
    );
  }
  if (resilientClients.has(client)) {
    throw new TypeError(
      'resilient(): this client is already resilient; wrapping it twice would nest the retry loops',
    );
  }
  const resolved = resolveOptions(options);
  // The user's own fetch (a proxy agent, a mock) stays the transport; otherwise the global one, looked up at
  // call time so HTTP instrumentation installed later still sees each attempt.
  const userFetch = (client as { _options?: { fetch?: Fetch } })._options?.fetch;
  const realFetch = (): Fetch => userFetch ?? globalThis.fetch;
  const fetch = createResilientFetch(resolved, realFetch);
  const derived = client.withOptions({ fetch, maxRetries: 0 });
  unwrapRefusalsOf(derived);
  handParamsToFetch(derived);
  resilientClients.add(derived);
  return derived;
}

/**
 * Overrides the API methods on the derived client's own resource objects (never on shared prototypes), so the
 * fetch reads `model` and `stream` from the call's params instead of parsing the body again.
 */
function handParamsToFetch(client: object): void {
  for (const path of RESOURCES) {
    let resource: unknown = client;
    for (const name of path) resource = (resource as Record<string, unknown> | undefined)?.[name];
    if (!resource || typeof resource !== 'object') continue;
    for (const method of METHODS) {
      if (typeof (resource as Record<string, unknown>)[method] !== 'function') continue;
      Object.defineProperty(resource, method, {
        configurable: true,
        writable: true,
        value(this: object, ...args: unknown[]) {
          // Looked up at call time: an instrumentation that patches the prototype later is still used.
          const original = Object.getPrototypeOf(resource)[method] as (...a: unknown[]) => unknown;
          return callParams.run(args[0], () => original.apply(this, args));
        },
      });
    }
  }
}
