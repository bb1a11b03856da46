import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  contentAttribute,
  type Settings,
} from '@aiotel/instrumentation-openai/genai';
import type { Attributes } from '@opentelemetry/api';
import { inputMessages, systemInstructions } from './content.js';

type Params = Record<string, unknown>;

function setNumber(into: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) into[key] = value;
}

/** Request attributes of `messages.create` parameters (set right after the span starts), and the input when captured. */
export function describeRequest(params: Params, settings: Settings, into: Attributes): void {
  if (params.stream === true) into[ATTR_GEN_AI_REQUEST_STREAM] = true;
  setNumber(into, ATTR_GEN_AI_REQUEST_MAX_TOKENS, params.max_tokens);
  setNumber(into, ATTR_GEN_AI_REQUEST_TEMPERATURE, params.temperature);
  setNumber(into, ATTR_GEN_AI_REQUEST_TOP_P, params.top_p);
  setNumber(into, ATTR_GEN_AI_REQUEST_TOP_K, params.top_k);
  if (Array.isArray(params.stop_sequences)) {
    into[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = params.stop_sequences.filter((s) => typeof s === 'string');
  }
  if (!settings.captureMessageContent) return;
  const max = settings.contentMaxLength;
  into[ATTR_GEN_AI_INPUT_MESSAGES] = contentAttribute(inputMessages(params.messages), max);
  const system = systemInstructions(params.system);
  if (system) into[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = contentAttribute(system, max);
}
