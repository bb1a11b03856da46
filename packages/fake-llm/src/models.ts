/** Base model names the real API answers with a dated snapshot name; other names are echoed unchanged (as relays do). */
const DATED_MODELS: Readonly<Record<string, string>> = {
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-4-turbo': 'gpt-4-turbo-2024-04-09',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
  o1: 'o1-2024-12-17',
  'o1-mini': 'o1-mini-2024-09-12',
  o3: 'o3-2025-04-16',
  'o3-mini': 'o3-mini-2025-01-31',
  'o4-mini': 'o4-mini-2025-04-16',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5-nano': 'gpt-5-nano-2025-08-07',
};

/** The model name a response carries: `gpt-4o` → `gpt-4o-2024-08-06`; unknown names unchanged. */
export function responseModel(requested: string): string {
  return DATED_MODELS[requested] ?? requested;
}

/** Reasoning models (`o1*`, `o3*`, `o4*`, `gpt-5*`) spend reasoning tokens before answering. */
export function isReasoningModel(model: string): boolean {
  return /^(o1|o3|o4|gpt-5)/.test(model);
}

/** Embedding vector length for a model when the request does not set `dimensions`. */
export function embeddingDimensions(model: string): number {
  return model === 'text-embedding-3-large' ? 3072 : 1536;
}

/** Model ids listed by `GET /v1/models`. */
export const LISTED_MODELS: readonly string[] = [
  ...Object.keys(DATED_MODELS),
  ...new Set(Object.values(DATED_MODELS)),
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
];

/** A fixed `created` timestamp for listed models (the real list carries each model's release time). */
export const MODEL_CREATED = 1715367049;
