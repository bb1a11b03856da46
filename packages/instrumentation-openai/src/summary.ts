import type { ApiKind } from './attributes.js';
import { chatOutputMessage, type GenAIMessage, responsesOutputMessages } from './content.js';

/** What a finished call told us, from a JSON body or gathered from stream chunks. */
export interface ResponseSummary {
  id?: string | undefined;
  model?: string | undefined;
  finishReasons?: string[] | undefined;
  /** The API's `usage` object, as returned (chat, Responses or embeddings shape). */
  usage?: unknown;
  /** Only filled when message content is captured. */
  outputMessages?: GenAIMessage[] | undefined;
  /** `error.type` when the response itself reports a failure (Responses API `status: failed`). */
  failure?: string | undefined;
  /** A relay's cost response header (`x-litellm-response-cost`), for non-streamed calls. */
  costHeader?: string | undefined;
}

type Body = Record<string, unknown>;

/** Summary of a non-streamed result of `kind`. */
export function summarizeResult(kind: ApiKind, result: unknown, withContent: boolean): ResponseSummary {
  if (typeof result !== 'object' || result === null) return {};
  const body = result as Body;
  if (kind === 'chat.completions') return summarizeChatCompletion(body, withContent);
  if (kind === 'responses') return summarizeResponse(body, withContent);
  return { model: stringOr(body.model), usage: body.usage };
}

function summarizeChatCompletion(body: Body, withContent: boolean): ResponseSummary {
  const choices = Array.isArray(body.choices) ? (body.choices as Body[]) : [];
  return {
    id: stringOr(body.id),
    model: stringOr(body.model),
    finishReasons: choices.map((choice) => String(choice?.finish_reason ?? '')),
    usage: body.usage,
    outputMessages: withContent
      ? choices.map((choice) => chatOutputMessage(choice?.message as Body, choice?.finish_reason))
      : undefined,
  };
}

/** Summary of a Responses API `response` object (JSON result or the final stream event's). */
export function summarizeResponse(body: Body, withContent: boolean): ResponseSummary {
  const finishReason = responseFinishReason(body);
  return {
    id: stringOr(body.id),
    model: stringOr(body.model),
    finishReasons: finishReason !== undefined ? [finishReason] : undefined,
    usage: body.usage,
    outputMessages: withContent ? responsesOutputMessages(body.output, finishReason) : undefined,
  };
}

// The Responses API has a status instead of finish reasons; map it to the chat vocabulary.
function responseFinishReason(body: Body): string | undefined {
  const status = body.status;
  if (status === 'completed') return 'stop';
  if (status === 'incomplete') {
    const reason = (body.incomplete_details as Body | undefined)?.reason;
    return reason === 'max_output_tokens' ? 'length' : typeof reason === 'string' ? reason : 'incomplete';
  }
  return typeof status === 'string' ? status : undefined;
}

/** The value when it is a string (an id, a model name read from a response). */
export function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
