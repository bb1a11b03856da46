// @ts-check
/**
 * The demo's workload as data: phases of chat calls, each call saying which model, feature and faults it uses.
 * Built up front so the progress bar knows the total and tests can check the mix without running it.
 */

/** The models of the default run: one OpenAI model, and a Claude and a Gemini model as a relay serves them. */
export const DEMO_MODELS = Object.freeze(['gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash']);

/** A self-hosted fine-tune behind the same relay: no price table has it, so its cost is unknown. */
export const IN_HOUSE_MODEL = 'acme-support-ft-v2';

/** Calls of ordinary traffic in the default run (the fault phases add a fixed few dozen). */
export const DEFAULT_CALLS = 150;

/**
 * Which resilient client a call goes through; each has its own policies (see demo.mjs).
 * `main`: the app's client. `batch`: a small bulkhead with a short queue. `freeTier`: a tiny budget.
 * `withFallback`: falls back to gpt-4o-mini. `anthropic`: the native `@anthropic-ai/sdk` client (Messages API), with the
 * main policies.
 *
 * @typedef {'main' | 'batch' | 'freeTier' | 'withFallback' | 'anthropic'} ClientName
 */

/**
 * @typedef {object} CallSpec
 * @property {string} model
 * @property {string} feature `app.feature` of the call
 * @property {string} tenant `app.tenant` of the call
 * @property {boolean} stream
 * @property {string} system the system message (shared per feature, so the provider can cache it)
 * @property {string} prompt the user message
 * @property {number} maxTokens
 * @property {ClientName} client
 * @property {Record<string, string>} headers request headers, e.g. `x-fake-fault`
 * @property {boolean} faulty whether an injected fault may make this call fail (so its error is expected)
 */

/**
 * @typedef {object} Phase
 * @property {string} name what the phase shows, for the progress output
 * @property {number} concurrency calls started at once (1 = one after the other)
 * @property {CallSpec[]} calls
 * @property {number} [pauseAfterMs] wait after the phase, e.g. for a circuit breaker to half-open
 */

/**
 * @typedef {object} WorkloadOptions
 * @property {number} calls calls of ordinary traffic
 * @property {readonly string[]} models models of ordinary traffic
 * @property {boolean} faults inject faults (only against the fake server)
 * @property {number} concurrency concurrent ordinary calls; above the main bulkhead limit to show queueing
 * @property {number} halfOpenAfterMs the main client's breaker half-open delay (the breaker phase waits it out)
 * @property {number} breakerFailures the main client's consecutive failures that open its breaker
 * @property {number} fallbackAttempts attempts the fallback client makes on a model before it falls back
 */

/** @type {ReadonlyArray<{ feature: string, system: string, prompts: readonly string[], stream: boolean, maxTokens: number }>} */
const FEATURES = [
  {
    feature: 'support-chat',
    system:
      'You are the support assistant of Acme Cloud. Answer in two or three friendly sentences, cite the docs ' +
      'page when you know it, and never promise refunds: hand those over to a human agent.',
    prompts: [
      'How do I rotate my API key without downtime?',
      'My deploy is stuck in pending, what should I check first?',
      'Can I move a project to another region?',
      'Why was my card declined on the upgrade page?',
    ],
    stream: true,
    maxTokens: 80,
  },
  {
    feature: 'summarize',
    system:
      'Summarise the customer conversation below for the account manager: the problem, what was tried, and ' +
      'the next step. Keep it under sixty words and use plain language.',
    prompts: [
      'Customer reports intermittent 502 errors on the EU load balancer since Monday; restarted twice.',
      'Customer asks for an invoice correction after a double charge in October; finance in copy.',
      'Customer wants SSO with their identity provider and asks about SCIM provisioning timelines.',
    ],
    stream: false,
    maxTokens: 60,
  },
  {
    feature: 'classify',
    system:
      'Classify the ticket as one of: billing, outage, account, feature-request. Answer with the label.',
    prompts: ['Refund please', 'Site down again', 'Add dark mode', 'Cannot log in', 'Charged twice'],
    stream: false,
    maxTokens: 5,
  },
];

const TENANTS = ['acme', 'globex', 'initech'];

/**
 * The n-th ordinary call: features, models and tenants rotate at different strides so every model sees every
 * feature, streamed and not.
 *
 * @param {number} n
 * @param {readonly string[]} models
 * @returns {CallSpec}
 */
export function ordinaryCall(n, models) {
  const feature = /** @type {(typeof FEATURES)[number]} */ (FEATURES[n % FEATURES.length]);
  return {
    model: /** @type {string} */ (models[Math.floor(n / FEATURES.length) % models.length]),
    feature: feature.feature,
    tenant: /** @type {string} */ (TENANTS[n % TENANTS.length]),
    stream: feature.stream,
    system: feature.system,
    prompt: /** @type {string} */ (feature.prompts[n % feature.prompts.length]),
    maxTokens: feature.maxTokens,
    client: 'main',
    headers: {},
    faulty: false,
  };
}

/**
 * @param {number} from
 * @param {number} count
 * @param {readonly string[]} models
 */
const ordinaryCalls = (from, count, models) =>
  Array.from({ length: count }, (_, i) => ordinaryCall(from + i, models));

/**
 * A call that carries a fault header for the fake server.
 *
 * @param {CallSpec} base
 * @param {Partial<CallSpec>} changes
 * @param {Record<string, string>} headers
 * @returns {CallSpec}
 */
const faulty = (base, changes, headers) => ({ ...base, ...changes, headers, faulty: true });

/**
 * The phases of a run. Without faults (a real API) it is ordinary traffic only.
 *
 * @param {WorkloadOptions} options
 * @returns {Phase[]}
 */
export function buildWorkload(options) {
  const { calls, models, concurrency } = options;
  if (!options.faults) {
    return [{ name: 'ordinary traffic', concurrency, calls: ordinaryCalls(0, calls, models) }];
  }
  const firstHalf = Math.ceil(calls / 2);
  const [gpt, claude, gemini] = DEMO_MODELS;
  const chat = ordinaryCall(0, DEMO_MODELS);
  const summary = ordinaryCall(1, DEMO_MODELS);
  // Each scenario id counts its own requests on the fake server: the first N of them get the fault.
  /** @param {string} id @param {number} times @param {string} fault */
  const scenario = (id, times, fault) => ({
    'x-fake-fault': fault,
    'x-fake-scenario': `demo-${id}-${process.pid}`,
    'x-fake-fault-times': String(times),
  });
  return [
    {
      name: `ordinary traffic, ${concurrency} at a time (above the bulkhead limit: calls queue)`,
      concurrency,
      calls: ordinaryCalls(0, firstHalf, models),
    },
    {
      name: '429 with Retry-After: 1 s, then success',
      concurrency: 3,
      calls: [0, 1, 2].map((i) =>
        faulty(
          summary,
          { model: /** @type {string} */ (gpt) },
          scenario(`429-${i}`, 1, 'status=429; retry-after=1'),
        ),
      ),
    },
    {
      // Two calls, two faults each: fewer consecutive failures than open the breaker.
      name: '529 overloaded twice, then success',
      concurrency: 2,
      calls: [0, 1].map((i) =>
        faulty(summary, { model: /** @type {string} */ (claude) }, scenario(`529-${i}`, 2, 'status=529')),
      ),
    },
    {
      name: `5xx burst on ${gemini}: the circuit breaker opens, then calls fail fast`,
      concurrency: 1,
      calls: Array.from({ length: options.breakerFailures + 2 }, () =>
        faulty(summary, { model: /** @type {string} */ (gemini) }, { 'x-fake-fault': 'status=500' }),
      ),
      pauseAfterMs: options.halfOpenAfterMs + 100,
    },
    {
      name: `${gemini} after the half-open delay: a probe closes the breaker`,
      concurrency: 1,
      calls: [summary, chat].map((call) => ({ ...call, model: /** @type {string} */ (gemini) })),
    },
    {
      name: 'streams cut mid-way',
      concurrency: 2,
      calls: [gpt, claude].map((model) =>
        faulty(chat, { model: /** @type {string} */ (model) }, { 'x-fake-fault': 'cut-after=5' }),
      ),
    },
    {
      name: 'a burst over the batch queue: the bulkhead rejects what does not fit',
      concurrency: 12,
      calls: Array.from({ length: 12 }, (_, i) =>
        faulty(ordinaryCall(i * 3 + 1, DEMO_MODELS), { client: 'batch', feature: 'batch-import' }, {}),
      ),
    },
    {
      name: `${claude} keeps answering 529: fallback to ${gpt}`,
      concurrency: 2,
      // The fault covers every attempt on the first model; the request after them (the fallback) succeeds.
      calls: [0, 1].map((i) =>
        faulty(
          summary,
          { model: /** @type {string} */ (claude), client: 'withFallback' },
          scenario(`fallback-${i}`, options.fallbackAttempts, 'status=529'),
        ),
      ),
    },
    {
      name: 'a free-tier tenant runs out of budget',
      concurrency: 1,
      calls: Array.from({ length: 6 }, (_, i) =>
        faulty(
          ordinaryCall(i * 3, DEMO_MODELS),
          { client: 'freeTier', tenant: 'free-tier', model: /** @type {string} */ (gpt) },
          {},
        ),
      ),
    },
    {
      name: `${IN_HOUSE_MODEL}, a model no price table knows: its calls are counted as unpriced`,
      concurrency: 3,
      calls: [0, 1, 2].map((i) => ({ ...ordinaryCall(i, DEMO_MODELS), model: IN_HOUSE_MODEL })),
    },
    {
      name: `${claude} through the native @anthropic-ai/sdk: prompt cache written then read, a 529 and an overload before the first token retried`,
      concurrency: 2,
      calls: [
        { ...chat, model: /** @type {string} */ (claude), client: /** @type {const} */ ('anthropic') },
        { ...summary, model: /** @type {string} */ (claude), client: /** @type {const} */ ('anthropic') },
      ].flatMap((call, i) => [
        call,
        call,
        faulty(call, {}, scenario(`native-529-${i}`, 1, 'status=529')),
        faulty({ ...call, stream: true }, {}, scenario(`native-overload-${i}`, 1, 'sse-error-after=3')),
      ]),
    },
    {
      name: 'ordinary traffic again',
      concurrency,
      calls: ordinaryCalls(firstHalf, calls - firstHalf, models),
    },
  ];
}

/**
 * Calls in all phases.
 *
 * @param {readonly Phase[]} phases
 */
export const totalCalls = (phases) => phases.reduce((sum, phase) => sum + phase.calls.length, 0);
