import { BoundedCache } from './bounded-cache.js';

/** Who serves a call: the GenAI semconv provider name and the price table's provider id. */
export interface ProviderInfo {
  /** Value for `gen_ai.provider.name` (`openai`, `anthropic`, `gcp.gemini`, …, or `_OTHER`). */
  readonly semconv: string;
  /** `@pydantic/genai-prices` provider id to price with; `undefined` lets the table match by model name. */
  readonly pricing: string | undefined;
  /** What decided: the base URL's host, the model name's family, or the default. */
  readonly source: 'host' | 'model' | 'default';
}

/** What `inferProvider` looks at. */
export interface ProviderHint {
  /** Model name as sent or returned (`gpt-4o`, `claude-sonnet-4-5`, `anthropic/claude-sonnet-4.5`, …). */
  readonly model?: string | undefined;
  /** Base URL the client calls (e.g. `https://api.openai.com/v1`). */
  readonly baseUrl?: string | undefined;
}

interface HostEntry {
  /** Omitted for hosts that serve many vendors' models (aggregators): the semconv name then follows the model. */
  readonly semconv?: string;
  readonly pricing: string | undefined;
}

/** Provider hosts, matched exactly. */
const HOSTS: ReadonlyMap<string, HostEntry> = new Map<string, HostEntry>([
  ['api.openai.com', { semconv: 'openai', pricing: 'openai' }],
  ['api.anthropic.com', { semconv: 'anthropic', pricing: 'anthropic' }],
  ['generativelanguage.googleapis.com', { semconv: 'gcp.gemini', pricing: 'google' }],
  ['aiplatform.googleapis.com', { semconv: 'gcp.vertex_ai', pricing: 'google' }],
  ['api.deepseek.com', { semconv: 'deepseek', pricing: 'deepseek' }],
  ['api.mistral.ai', { semconv: 'mistral_ai', pricing: 'mistral' }],
  ['api.groq.com', { semconv: 'groq', pricing: 'groq' }],
  ['api.x.ai', { semconv: 'x_ai', pricing: 'x-ai' }],
  ['api.cohere.ai', { semconv: 'cohere', pricing: 'cohere' }],
  ['api.cohere.com', { semconv: 'cohere', pricing: 'cohere' }],
  ['api.perplexity.ai', { semconv: 'perplexity', pricing: 'perplexity' }],
  ['models.inference.ai.azure.com', { semconv: 'azure.ai.inference', pricing: 'azure' }],
  ['openrouter.ai', { pricing: 'openrouter' }],
  ['api.openrouter.ai', { pricing: 'openrouter' }],
  ['api.together.xyz', { pricing: 'together' }],
  ['api.fireworks.ai', { pricing: 'fireworks' }],
  ['api.cerebras.ai', { pricing: 'cerebras' }],
  ['api.novita.ai', { pricing: 'novita' }],
  ['api.moonshot.ai', { pricing: 'moonshotai' }],
  ['api.moonshot.cn', { pricing: 'moonshotai' }],
]);

/** Provider hosts matched by pattern (regional or per-resource host names). */
const HOST_PATTERNS: readonly (readonly [RegExp, HostEntry])[] = [
  [/\.openai\.azure\.com$/, { semconv: 'azure.ai.openai', pricing: 'azure' }],
  [/\.cognitiveservices\.azure\.com$/, { semconv: 'azure.ai.openai', pricing: 'azure' }],
  [/\.services\.ai\.azure\.com$/, { semconv: 'azure.ai.inference', pricing: 'azure' }],
  [/\.models\.ai\.azure\.com$/, { semconv: 'azure.ai.inference', pricing: 'azure' }],
  [/-aiplatform\.googleapis\.com$/, { semconv: 'gcp.vertex_ai', pricing: 'google' }],
  [
    /^bedrock-(?:runtime|mantle)(?:-fips)?\.[a-z0-9-]+\.(?:amazonaws\.com|api\.aws)$/,
    { semconv: 'aws.bedrock', pricing: 'aws' },
  ],
  [/\.ml\.cloud\.ibm\.com$/, { semconv: 'ibm.watsonx.ai', pricing: undefined }],
];

interface FamilyEntry {
  readonly semconv: string;
  readonly pricing: string | undefined;
}

/**
 * Model families, tried in order on the model name (lower case, after the last `/`, so `anthropic/claude-x`
 * and `models/gemini-x` are read as `claude-x` and `gemini-x`). Open-weights families come first: many hosts
 * serve them at different prices, so they are priced only on a known host or by an override.
 */
const FAMILIES: readonly (readonly [RegExp, FamilyEntry])[] = [
  [/^(?:llama|meta-llama|codellama|qwen|qwq|gemma|gpt-oss|phi-)/, { semconv: '_OTHER', pricing: undefined }],
  [/^claude/, { semconv: 'anthropic', pricing: 'anthropic' }],
  [/^gemini/, { semconv: 'gcp.gemini', pricing: 'google' }],
  [
    /^(?:gpt-|chatgpt-|o[1-9](?:-|$)|text-embedding-(?:3|ada)|davinci|babbage|whisper|tts-|dall-e|omni-moderation|computer-use|codex-)/,
    { semconv: 'openai', pricing: 'openai' },
  ],
  [/^deepseek/, { semconv: 'deepseek', pricing: 'deepseek' }],
  [
    /^(?:mistral|codestral|ministral|magistral|devstral|pixtral|mixtral|voxtral|open-mistral|open-mixtral)/,
    { semconv: 'mistral_ai', pricing: 'mistral' },
  ],
  [/^grok/, { semconv: 'x_ai', pricing: 'x-ai' }],
  [/^command/, { semconv: 'cohere', pricing: 'cohere' }],
  [/^sonar/, { semconv: 'perplexity', pricing: 'perplexity' }],
];

function hostOf(baseUrl: string): string | undefined {
  try {
    return new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function hostEntry(host: string): HostEntry | undefined {
  const exact = HOSTS.get(host);
  if (exact) return exact;
  for (const [pattern, entry] of HOST_PATTERNS) if (pattern.test(host)) return entry;
  return undefined;
}

/** The model family entry for a model name, if any. */
export function modelFamily(model: string): FamilyEntry | undefined {
  const lower = model.trim().toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  for (const [pattern, entry] of FAMILIES) if (pattern.test(name)) return entry;
  return undefined;
}

/** Keyed by (base URL or '', model). */
const cache = new BoundedCache<string, string, ProviderInfo>(1000);

/**
 * Infers who serves a call, for `gen_ai.provider.name` and for pricing. Rule:
 * 1. A known provider host wins (`api.openai.com` → openai, `*.openai.azure.com` → azure.ai.openai, …).
 *    Aggregator hosts (OpenRouter, Together, Fireworks, …) price with their own table; their semconv name
 *    follows the model family (`_OTHER` when unknown).
 * 2. Any other host is a relay (or a local server): the model family decides (`claude-*` → anthropic, …);
 *    a model of no known family gives `_OTHER`, priced by the table's own model matching.
 * 3. Without a base URL, the model family decides; else `openai` (the OpenAI SDK's default host).
 * Results are cached (bounded).
 */
export function inferProvider(hint: ProviderHint): ProviderInfo;
/** Positional form of `inferProvider({ model, baseUrl })`. */
export function inferProvider(model: string, baseUrl?: string): ProviderInfo;
export function inferProvider(hintOrModel: ProviderHint | string, baseUrlArg?: string): ProviderInfo {
  const hint: ProviderHint =
    typeof hintOrModel === 'string'
      ? { model: hintOrModel, baseUrl: baseUrlArg }
      : typeof hintOrModel === 'object' && hintOrModel !== null
        ? hintOrModel
        : {};
  const model = typeof hint.model === 'string' ? hint.model : '';
  const baseUrl = typeof hint.baseUrl === 'string' && hint.baseUrl !== '' ? hint.baseUrl : undefined;
  const hit = cache.get(baseUrl ?? '', model);
  if (hit) return hit;
  const info = Object.freeze(decide(model, baseUrl));
  cache.set(baseUrl ?? '', model, info);
  return info;
}

function decide(model: string, baseUrl: string | undefined): ProviderInfo {
  const family = modelFamily(model);
  const host = baseUrl === undefined ? undefined : hostOf(baseUrl);
  const known = host === undefined ? undefined : hostEntry(host);
  if (known) {
    return { semconv: known.semconv ?? family?.semconv ?? '_OTHER', pricing: known.pricing, source: 'host' };
  }
  if (family) return { semconv: family.semconv, pricing: family.pricing, source: 'model' };
  return { semconv: baseUrl === undefined ? 'openai' : '_OTHER', pricing: undefined, source: 'default' };
}
