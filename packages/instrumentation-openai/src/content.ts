// Opt-in message content in the GenAI conventions' JSON shapes (v1.41.0): input and output
// messages as `{ role, parts: [...] }`, parts `text`, `tool_call`, `tool_call_response`; other
// part kinds (images, audio, files) are recorded by type only, never their data.

type Part = Record<string, unknown>;
/** One message in the conventions' shape. */
export interface GenAIMessage {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

const TRUNCATED = '…[truncated]';

/** JSON of `value`, cut to `maxLength` characters with a `…[truncated]` marker. */
export function contentAttribute(value: unknown, maxLength: number): string {
  const json = JSON.stringify(value) ?? '';
  return json.length > maxLength ? json.slice(0, maxLength) + TRUNCATED : json;
}

/** Chat Completions `messages` as input messages (system messages stay in the history). */
export function chatInputMessages(messages: unknown): GenAIMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((message: Record<string, unknown>) => {
    const role = typeof message?.role === 'string' ? message.role : 'user';
    const parts: Part[] = contentParts(message?.content);
    if (Array.isArray(message?.tool_calls)) parts.push(...message.tool_calls.map(toolCallPart));
    if (role === 'tool') {
      return {
        role,
        parts: [{ type: 'tool_call_response', id: message.tool_call_id, response: textOf(message.content) }],
      };
    }
    return { role, parts };
  });
}

/** A Chat Completions choice (`message` or accumulated stream deltas) as an output message. */
export function chatOutputMessage(
  message: Record<string, unknown> | undefined,
  finishReason: unknown,
): GenAIMessage {
  const parts: Part[] = contentParts(message?.content);
  if (Array.isArray(message?.tool_calls)) parts.push(...message.tool_calls.map(toolCallPart));
  return {
    role: typeof message?.role === 'string' ? message.role : 'assistant',
    parts,
    ...(typeof finishReason === 'string' ? { finish_reason: finishReason } : {}),
  };
}

/** Responses API `input` (a string or a list of items) as input messages. */
export function responsesInputMessages(input: unknown): GenAIMessage[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  if (!Array.isArray(input)) return [];
  return input.map((item: Record<string, unknown>) => {
    if (item?.type === 'function_call_output') {
      return {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: item.call_id, response: item.output }],
      };
    }
    if (item?.type === 'function_call') {
      return { role: 'assistant', parts: [toolCallPart(item)] };
    }
    return {
      role: typeof item?.role === 'string' ? item.role : 'user',
      parts: contentParts(item?.content),
    };
  });
}

/** Responses API `output` items as output messages. */
export function responsesOutputMessages(output: unknown, finishReason: string | undefined): GenAIMessage[] {
  if (!Array.isArray(output)) return [];
  const parts: Part[] = [];
  for (const item of output as Record<string, unknown>[]) {
    if (item?.type === 'message') parts.push(...contentParts(item.content));
    else if (item?.type === 'function_call') parts.push(toolCallPart(item));
    else if (typeof item?.type === 'string') parts.push({ type: item.type });
  }
  return [
    { role: 'assistant', parts, ...(finishReason !== undefined ? { finish_reason: finishReason } : {}) },
  ];
}

/** Responses API `instructions` as system instructions. */
export function systemInstructions(instructions: unknown): Part[] | undefined {
  return typeof instructions === 'string' && instructions.length > 0
    ? [{ type: 'text', content: instructions }]
    : undefined;
}

function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', content }] : [];
  if (!Array.isArray(content)) return [];
  return content.map((part: Record<string, unknown>) => {
    if (typeof part?.text === 'string') return { type: 'text', content: part.text };
    if (typeof part?.refusal === 'string') return { type: 'refusal', content: part.refusal };
    return { type: typeof part?.type === 'string' ? part.type : 'unknown' };
  });
}

function textOf(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  return content.map((part: Record<string, unknown>) => part?.text ?? '').join('');
}

function toolCallPart(call: Record<string, unknown>): Part {
  // Chat has `{ id, function: { name, arguments } }`, Responses `{ call_id, name, arguments }`.
  const fn = (call?.function ?? call) as Record<string, unknown>;
  return {
    type: 'tool_call',
    id: call?.call_id ?? call?.id,
    name: fn?.name,
    arguments: parseArguments(fn?.arguments ?? (call as { input?: unknown })?.input),
  };
}

function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}
