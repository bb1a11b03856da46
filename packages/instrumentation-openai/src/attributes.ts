import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  OPERATION_CHAT,
  OPERATION_EMBEDDINGS,
} from './semconv.js';

/** The SDK method a call went through. */
export type ApiKind = 'chat.completions' | 'responses' | 'embeddings';

/** `gen_ai.operation.name` per API: the Responses API is a chat API in the conventions' terms. */
export function operationName(kind: ApiKind): string {
  return kind === 'embeddings' ? OPERATION_EMBEDDINGS : OPERATION_CHAT;
}

type Params = Record<string, unknown>;

/** Request attributes (set right after the span starts) of the call's parameters. */
export function requestAttributes(kind: ApiKind, params: Params, into: Attributes): void {
  if (kind === 'embeddings') {
    if (typeof params.encoding_format === 'string') {
      into[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [params.encoding_format];
    }
    setNumber(into, ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, params.dimensions);
    return;
  }
  if (params.stream === true) into[ATTR_GEN_AI_REQUEST_STREAM] = true;
  setNumber(into, ATTR_GEN_AI_REQUEST_TEMPERATURE, params.temperature);
  setNumber(into, ATTR_GEN_AI_REQUEST_TOP_P, params.top_p);
  if (kind === 'responses') {
    setNumber(into, ATTR_GEN_AI_REQUEST_MAX_TOKENS, params.max_output_tokens);
    setOutputType(into, (params.text as Params | undefined)?.format);
    return;
  }
  setNumber(into, ATTR_GEN_AI_REQUEST_MAX_TOKENS, params.max_completion_tokens ?? params.max_tokens);
  setNumber(into, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, params.frequency_penalty);
  setNumber(into, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, params.presence_penalty);
  setNumber(into, ATTR_GEN_AI_REQUEST_SEED, params.seed);
  if (typeof params.n === 'number' && params.n !== 1) into[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = params.n;
  if (typeof params.stop === 'string') into[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = [params.stop];
  else if (Array.isArray(params.stop)) {
    into[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = params.stop.filter((s) => typeof s === 'string');
  }
  setOutputType(into, params.response_format);
}

function setNumber(into: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) into[key] = value;
}

// `gen_ai.output.type` values: `text` or `json` (json_object and json_schema both are JSON).
function setOutputType(into: Attributes, format: unknown): void {
  const type = (format as Params | undefined)?.type;
  if (type === 'text') into[ATTR_GEN_AI_OUTPUT_TYPE] = 'text';
  else if (type === 'json_object' || type === 'json_schema') into[ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
}
