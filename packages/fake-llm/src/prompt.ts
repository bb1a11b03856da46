import { isRecord } from './is-record.js';
import { hashString } from './prng.js';
import { countTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY } from './tokens.js';

/** Tokens an image part costs (OpenAI's low-detail price). */
export const TOKENS_PER_IMAGE = 85;

/** A request's prompt as the fake model sees it. */
export interface Prompt {
  /** Prompt tokens by the counting rule (messages, per-message overhead, reply priming, tool definitions). */
  readonly tokens: number;
  /** Text of the last message when it is the user's (what a tool decision looks at). */
  readonly lastUserText: string | undefined;
  /** Hash of messages [0..i] for every i before the last message: the prompt cache keys. */
  readonly prefixHashes: readonly number[];
  /** Tokens of messages [0..i], indexed like prefixHashes. */
  readonly prefixTokens: readonly number[];
  /** Hash of the whole prompt: the seed of the answer. */
  readonly hash: number;
}

interface MessageCost {
  text: string;
  extraTokens: number;
}

function collectText(value: unknown, cost: MessageCost): void {
  if (typeof value === 'string') {
    cost.text += ` ${value}`;
  } else if (Array.isArray(value)) {
    for (const part of value) {
      if (typeof part === 'string') cost.text += ` ${part}`;
      else if (isRecord(part)) {
        if (typeof part.text === 'string') cost.text += ` ${part.text}`;
        else if (typeof part.type === 'string' && part.type.includes('image'))
          cost.extraTokens += TOKENS_PER_IMAGE;
      }
    }
  }
}

/** Text and extra tokens of one Chat message or Responses input item. */
function messageCost(message: unknown): MessageCost {
  const cost: MessageCost = { text: '', extraTokens: 0 };
  if (typeof message === 'string') {
    cost.text = message;
    return cost;
  }
  if (!isRecord(message)) return cost;
  collectText(message.content, cost);
  if (typeof message.name === 'string') cost.text += ` ${message.name}`;
  if (typeof message.arguments === 'string') cost.text += ` ${message.arguments}`;
  if (typeof message.output === 'string') cost.text += ` ${message.output}`;
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (isRecord(call) && isRecord(call.function)) {
        cost.text += ` ${String(call.function.name ?? '')} ${String(call.function.arguments ?? '')}`;
      }
    }
  }
  return cost;
}

function roleOf(message: unknown): string {
  if (!isRecord(message)) return 'user';
  if (typeof message.role === 'string') return message.role;
  if (message.type === 'function_call_output') return 'tool';
  if (message.type === 'function_call') return 'assistant';
  return 'user';
}

/**
 * Read a prompt: `messages` (Chat) or the `input` items (Responses), with an optional leading `instructions` text and
 * the tool definitions, which are counted as prompt tokens like the real API does.
 */
export function readPrompt(
  model: string,
  messages: readonly unknown[],
  tools: unknown,
  seed: unknown,
): Prompt {
  const prefixHashes: number[] = [];
  const prefixTokens: number[] = [];
  let hash = hashString(model);
  let tokens = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const cost = messageCost(message);
    tokens += TOKENS_PER_MESSAGE + countTokens(cost.text) + cost.extraTokens;
    hash = hashString(`${roleOf(message)}\u0000${cost.text}\u0000${cost.extraTokens}`, hash);
    if (i < messages.length - 1) {
      prefixHashes.push(hash);
      prefixTokens.push(tokens);
    }
  }
  tokens += TOKENS_PER_REPLY;
  if (Array.isArray(tools) && tools.length > 0) tokens += countTokens(JSON.stringify(tools));
  const last = messages[messages.length - 1];
  const lastUserText = last !== undefined && roleOf(last) === 'user' ? messageCost(last).text : undefined;
  const answerHash = seed === undefined || seed === null ? hash : hashString(String(seed), hash);
  return { tokens, lastUserText, prefixHashes, prefixTokens, hash: answerHash };
}
