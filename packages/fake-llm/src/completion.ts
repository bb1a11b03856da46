import { isReasoningModel } from './models.js';
import type { OutputFormat } from './output-format.js';
import { type Random, seededRandom } from './prng.js';
import { type Prompt, readPrompt } from './prompt.js';
import type { EndpointContext, RequestBody } from './request-fields.js';
import { generatePieces, naturalLength } from './text.js';
import { countTokens } from './tokens.js';
import type { OfferedFunction, ToolCallPlan } from './tools.js';
import { chooseFunction, exampleJson, offeredFunctions, planToolCall } from './tools.js';

/** Why a choice ended, in Chat Completions words. */
export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** What one choice says. */
export interface ChoicePlan {
  /** Text pieces, one token each (empty for a tool call). */
  readonly pieces: readonly string[];
  readonly text: string;
  readonly toolCall: ToolCallPlan | undefined;
  readonly finishReason: FinishReason;
  /** Visible output tokens plus reasoning tokens. */
  readonly completionTokens: number;
  readonly reasoningTokens: number;
}

/** What the fake model answers to one request. */
export interface CompletionPlan {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly choices: readonly ChoicePlan[];
  readonly completionTokens: number;
  readonly reasoningTokens: number;
}

/** Inputs of the answer, read from the request. */
export interface CompletionRequest {
  readonly model: string;
  readonly prompt: Prompt;
  readonly cachedTokens: number;
  /** Number of choices (`n`), at least 1. */
  readonly n: number;
  /** `max_completion_tokens` / `max_tokens` / `max_output_tokens`. */
  readonly maxTokens: number | undefined;
  /** Exact answer length asked for with `x-fake-tokens`. */
  readonly requestedTokens: number | undefined;
  /** The function to call, if the tool rule chose one. */
  readonly toolFunction: OfferedFunction | undefined;
  /** Structured output asked for (`response_format` / `text.format`). */
  readonly format: OutputFormat;
}

/** Reasoning models think twice as many tokens as they show. */
const REASONING_FACTOR = 2;
/** A tool call costs the tokens of its name and arguments plus this overhead. */
const TOKENS_PER_TOOL_CALL = 3;

function planChoice(request: CompletionRequest, index: number): ChoicePlan {
  const random = seededRandom(request.prompt.hash + index * 7919);
  const reasoning = isReasoningModel(request.model);
  if (request.toolFunction !== undefined) {
    const toolCall = planToolCall(request.toolFunction, request.prompt.lastUserText ?? '');
    const visible = countTokens(toolCall.name) + countTokens(toolCall.arguments) + TOKENS_PER_TOOL_CALL;
    const reasoningTokens = reasoning ? visible * REASONING_FACTOR : 0;
    return {
      pieces: [],
      text: '',
      toolCall,
      finishReason: 'tool_calls',
      completionTokens: visible + reasoningTokens,
      reasoningTokens,
    };
  }
  if (request.format !== undefined) return planStructured(request, random, reasoning);
  const wanted = request.requestedTokens ?? naturalLength(random);
  const limit = request.maxTokens ?? Number.POSITIVE_INFINITY;
  // Like the real API, reasoning is spent first and counts against the limit.
  const reasoningTokens = reasoning ? Math.min(wanted * REASONING_FACTOR, limit) : 0;
  const visible = Math.max(0, Math.min(wanted, limit - reasoningTokens));
  const pieces = generatePieces(random, visible);
  return {
    pieces,
    text: pieces.join(''),
    toolCall: undefined,
    finishReason: visible < wanted ? 'length' : 'stop',
    completionTokens: visible + reasoningTokens,
    reasoningTokens,
  };
}

/**
 * Structured output: JSON fitting the schema (`json_object`: `{"answer":"…"}`), streamed in 4-character slices.
 * Usage counts the token rule on the JSON text; a token limit keeps that many slices (so the JSON breaks, as it does
 * with the real API).
 */
function planStructured(request: CompletionRequest, random: Random, reasoning: boolean): ChoicePlan {
  const format = request.format;
  const value =
    format?.kind === 'json_schema'
      ? exampleJson(format.schema, request.prompt.lastUserText ?? '')
      : { answer: generatePieces(random, naturalLength(random)).join('') };
  const json = JSON.stringify(value);
  const slices: string[] = [];
  for (let i = 0; i < json.length; i += 4) slices.push(json.slice(i, i + 4));
  const limit = request.maxTokens ?? Number.POSITIVE_INFINITY;
  const reasoningTokens = reasoning ? Math.min(countTokens(json) * REASONING_FACTOR, limit) : 0;
  const kept = Math.max(0, Math.min(slices.length, limit - reasoningTokens));
  const pieces = kept < slices.length ? slices.slice(0, kept) : slices;
  const text = pieces.join('');
  return {
    pieces,
    text,
    toolCall: undefined,
    finishReason: kept < slices.length ? 'length' : 'stop',
    completionTokens: countTokens(text) + reasoningTokens,
    reasoningTokens,
  };
}

/** Decide the whole answer: deterministic for a given prompt, model, seed and length settings. */
export function planCompletion(request: CompletionRequest): CompletionPlan {
  const choices: ChoicePlan[] = [];
  let completionTokens = 0;
  let reasoningTokens = 0;
  for (let i = 0; i < request.n; i++) {
    const choice = planChoice(request, i);
    choices.push(choice);
    completionTokens += choice.completionTokens;
    reasoningTokens += choice.reasoningTokens;
  }
  return {
    promptTokens: request.prompt.tokens,
    cachedTokens: request.cachedTokens,
    choices,
    completionTokens,
    reasoningTokens,
  };
}

/**
 * The answer to a conversation, the same way for Chat Completions and Responses: the prompt read and remembered in
 * the prompt cache (a prefix seen before comes back as cached tokens), the tool rule applied, the completion planned.
 */
export function planAnswer(
  context: EndpointContext,
  body: RequestBody,
  model: string,
  messages: readonly unknown[],
  options: Pick<CompletionRequest, 'n' | 'maxTokens' | 'format'>,
): CompletionPlan {
  const prompt = readPrompt(model, messages, body.tools, body.seed);
  const cachedTokens = context.promptCache?.lookupAndRemember(prompt.prefixHashes, prompt.prefixTokens) ?? 0;
  return planCompletion({
    model,
    prompt,
    cachedTokens,
    requestedTokens: context.requestedTokens,
    toolFunction: chooseFunction(offeredFunctions(body.tools), body.tool_choice, prompt.lastUserText),
    ...options,
  });
}
