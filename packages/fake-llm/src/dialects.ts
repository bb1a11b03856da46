import { responseModel } from './models.js';

/** The dialects the server speaks, by name (`--dialect`, `dialect` option, `x-fake-dialect` header). */
export const DIALECT_NAMES = [
  'openai',
  'relay-empty-delta',
  'relay-usage-on-finish',
  'relay-running-usage',
  'relay-no-usage',
] as const;

/** A dialect's name. */
export type DialectName = (typeof DIALECT_NAMES)[number];

/** Where a stream that asked for usage (`stream_options.include_usage`) carries it. */
export type StreamUsage =
  /** A last chunk with `"choices":[]` (OpenAI). */
  | 'empty-choices'
  /** A last chunk with one choice and an empty delta: `"choices":[{"index":0,"delta":{}}]`. */
  | 'empty-delta'
  /** On the chunk with the finish reason; no chunk of its own. */
  | 'finish-chunk'
  /** Running totals on every chunk, the final ones on the finish chunk. */
  | 'every-chunk'
  /** Nowhere: `stream_options` is ignored. */
  | 'never';

/** How the server words its Chat Completions answers: the OpenAI API's way or one of the relays'. */
export interface Dialect {
  readonly name: DialectName;
  /** Start of every SSE data line: `data: `, or `data:` without the optional space. */
  readonly dataPrefix: string;
  /** Whether a stream ends with `data: [DONE]`. */
  readonly done: boolean;
  /** An SSE comment line sent before the first event and again before every fourth one. */
  readonly comment: string | undefined;
  readonly streamUsage: StreamUsage;
  /** `"usage":null` on the chunks without usage of a stream that asked for it (OpenAI does this). */
  readonly nullUsage: boolean;
  /** Every `usage` object carries `cost` in USD at the fake prices. */
  readonly usageCost: boolean;
  /** JSON answers carry the cost in USD at the fake prices in an `x-litellm-response-cost` header. */
  readonly costHeader: boolean;
  /** The model an answer names, for the model asked for. */
  model(requested: string): string;
  /** The finish reason an answer names, for the one the API would give. */
  finishReason(reason: string): string;
}

const same = (value: string) => value;

/** Finish reasons a relay in front of Anthropic passes through instead of OpenAI's. */
const INVENTED_FINISH_REASONS: Readonly<Record<string, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
};

const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  openai: {
    name: 'openai',
    dataPrefix: 'data: ',
    done: true,
    comment: undefined,
    streamUsage: 'empty-choices',
    nullUsage: true,
    usageCost: false,
    costHeader: false,
    model: responseModel,
    finishReason: same,
  },
  'relay-empty-delta': {
    name: 'relay-empty-delta',
    dataPrefix: 'data: ',
    done: true,
    comment: ': PROCESSING',
    streamUsage: 'empty-delta',
    nullUsage: false,
    usageCost: true,
    costHeader: false,
    model: responseModel,
    finishReason: same,
  },
  'relay-usage-on-finish': {
    name: 'relay-usage-on-finish',
    dataPrefix: 'data:',
    done: false,
    comment: undefined,
    streamUsage: 'finish-chunk',
    nullUsage: false,
    usageCost: false,
    costHeader: true,
    model: (requested) => `openai/${requested}`,
    finishReason: same,
  },
  'relay-running-usage': {
    name: 'relay-running-usage',
    dataPrefix: 'data: ',
    done: true,
    comment: ': keep-alive',
    streamUsage: 'every-chunk',
    nullUsage: false,
    usageCost: false,
    costHeader: false,
    model: same,
    finishReason: (reason) => INVENTED_FINISH_REASONS[reason] ?? reason,
  },
  'relay-no-usage': {
    name: 'relay-no-usage',
    dataPrefix: 'data: ',
    done: true,
    comment: undefined,
    streamUsage: 'never',
    nullUsage: false,
    usageCost: false,
    costHeader: false,
    model: same,
    finishReason: same,
  },
};

/** The dialect called `name`, or undefined for a name the server does not speak. */
export function dialectNamed(name: string): Dialect | undefined {
  return Object.hasOwn(DIALECTS, name) ? DIALECTS[name as DialectName] : undefined;
}

/** Fake prices the relay dialects report costs at, in USD per million tokens. */
export const FAKE_PRICES = { input: 0.17, output: 0.71 } as const;

/** Cost in USD of a call at {@link FAKE_PRICES}. */
export function fakeCost(promptTokens: number, completionTokens: number): number {
  return (promptTokens * FAKE_PRICES.input + completionTokens * FAKE_PRICES.output) / 1_000_000;
}
