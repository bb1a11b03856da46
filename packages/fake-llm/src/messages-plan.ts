import { anthropicError } from './anthropic-errors.js';
import { type ChoicePlan, type CompletionPlan, planCompletion } from './completion.js';
import { isRecord } from './is-record.js';
import { randomId } from './prng.js';
import { readPrompt } from './prompt.js';
import type { Reply } from './reply.js';
import type { EndpointContext, RequestBody } from './request-fields.js';
import { chooseFunction, offeredFunctions } from './tools.js';

/** Anthropic's names for why an answer ended. */
const STOP_REASONS = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;

/** What one Messages answer says, with its usage split the way Anthropic reports it. */
export interface MessagesAnswer {
  readonly id: string;
  readonly model: string;
  readonly choice: ChoicePlan;
  readonly plan: CompletionPlan;
  readonly stopReason: string;
  /** The short text Claude writes before a tool call ("I'll look that up."), empty when there is no call. */
  readonly preface: readonly string[];
  readonly toolUseId: string;
  /** Input tokens not read from or written to the cache (Anthropic's `input_tokens`). */
  readonly inputTokens: number;
  readonly cacheCreationTokens: number;
  readonly cacheReadTokens: number;
}

const PREFACE = ["I'll", ' look', ' that', ' up.'];
/** Tokens of {@link PREFACE} by the counting rule. */
const PREFACE_TOKENS = 4;

/** `tools` in Anthropic's shape (`{name, input_schema}`) as the offered functions of the tool rule. */
function anthropicFunctions(tools: unknown) {
  if (!Array.isArray(tools)) return [];
  return offeredFunctions(
    tools.map((tool) =>
      isRecord(tool) && (tool.type === undefined || tool.type === 'custom')
        ? { type: 'function', name: tool.name, parameters: tool.input_schema }
        : tool,
    ),
  );
}

/** `tool_choice` in Anthropic's shape (`auto`, `any`, `tool`, `none`) in the tool rule's words. */
function toolChoice(choice: unknown): unknown {
  if (!isRecord(choice)) return undefined;
  if (choice.type === 'any') return 'required';
  if (choice.type === 'none') return 'none';
  if (choice.type === 'tool') return { type: 'function', name: choice.name };
  return undefined;
}

/** Content blocks as the prompt reader's text parts: tool calls and results count by their text. */
function blockText(block: unknown): unknown {
  if (!isRecord(block)) return block;
  if (block.type === 'tool_use') return { text: `${String(block.name)} ${JSON.stringify(block.input)}` };
  if (block.type === 'tool_result') {
    const content = block.content;
    if (typeof content === 'string') return { text: content };
    if (Array.isArray(content))
      return { text: content.map((part) => (isRecord(part) ? String(part.text ?? '') : '')).join(' ') };
    return { text: '' };
  }
  return block;
}

function asChatMessage(message: unknown): unknown {
  if (!isRecord(message) || !Array.isArray(message.content)) return message;
  return { ...message, content: message.content.map(blockText) };
}

/** True when any block of the request carries `cache_control` (Anthropic caches only what the caller marks). */
function asksForCache(body: RequestBody): boolean {
  const marked = (value: unknown): boolean =>
    Array.isArray(value) &&
    value.some((part) => isRecord(part) && (part.cache_control !== undefined || marked(part.content)));
  return marked(body.system) || marked(body.tools) || marked(body.messages);
}

/** Read, check and plan a Messages request, or the 400 the API answers. */
export function planMessages(body: RequestBody, context: EndpointContext): MessagesAnswer | Reply {
  const model = body.model;
  if (typeof model !== 'string' || model === '') return anthropicError('model: Field required');
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    return anthropicError('max_tokens: Field required (an integer of at least 1)');
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return anthropicError('messages: at least one message is required');
  }
  const system = body.system;
  const chat = messages.map(asChatMessage);
  if (typeof system === 'string' || Array.isArray(system)) chat.unshift({ role: 'system', content: system });
  // Its own cache namespace: a prefix cached through Chat Completions is not a Messages cache entry.
  const prompt = readPrompt(`messages:${model}`, chat, body.tools, undefined);
  let cacheReadTokens = 0;
  let cacheCreationTokens = 0;
  if (context.promptCache && asksForCache(body)) {
    cacheReadTokens = context.promptCache.lookupAndRemember(prompt.prefixHashes, prompt.prefixTokens);
    if (cacheReadTokens === 0) cacheCreationTokens = prompt.prefixTokens.at(-1) ?? 0;
  }
  const toolFunction = chooseFunction(
    anthropicFunctions(body.tools),
    toolChoice(body.tool_choice),
    prompt.lastUserText,
  );
  const plan = planCompletion({
    model,
    prompt,
    cachedTokens: cacheReadTokens,
    n: 1,
    maxTokens,
    requestedTokens: context.requestedTokens,
    toolFunction,
    format: undefined,
  });
  const choice = plan.choices[0] as ChoicePlan;
  const preface = choice.toolCall ? PREFACE : [];
  return {
    id: randomId('msg_01', 22),
    model,
    choice,
    plan: preface.length > 0 ? { ...plan, completionTokens: plan.completionTokens + PREFACE_TOKENS } : plan,
    stopReason: STOP_REASONS[choice.finishReason],
    preface,
    toolUseId: randomId('toolu_01', 22),
    inputTokens: prompt.tokens - cacheReadTokens - cacheCreationTokens,
    cacheCreationTokens,
    cacheReadTokens,
  };
}

/** The `usage` object, with `output_tokens` as given (1 in `message_start`, the total at the end). */
export function messagesUsage(answer: MessagesAnswer, outputTokens: number) {
  return {
    input_tokens: answer.inputTokens,
    cache_creation_input_tokens: answer.cacheCreationTokens,
    cache_read_input_tokens: answer.cacheReadTokens,
    cache_creation: { ephemeral_5m_input_tokens: answer.cacheCreationTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}
