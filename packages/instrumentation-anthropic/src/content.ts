import type { GenAIMessage } from '@aiotel/instrumentation-openai/genai';

// Anthropic content blocks in the GenAI conventions' message shape (v1.41.0): `text`, `tool_call` (tool_use),
// `tool_call_response` (tool_result), `reasoning` (thinking); other blocks (images, documents) by type only.

type Block = Record<string, unknown>;
type Part = GenAIMessage['parts'][number];

function part(block: unknown): Part {
  if (typeof block === 'string') return { type: 'text', content: block };
  const b = (block ?? {}) as Block;
  switch (b.type) {
    case 'text':
      return { type: 'text', content: b.text };
    case 'tool_use':
    case 'server_tool_use':
      return { type: 'tool_call', id: b.id, name: b.name, arguments: b.input };
    case 'tool_result':
      return { type: 'tool_call_response', id: b.tool_use_id, response: textOf(b.content) };
    case 'thinking':
      return { type: 'reasoning', content: b.thinking };
    default:
      return { type: typeof b.type === 'string' ? b.type : 'unknown' };
  }
}

function parts(content: unknown): Part[] {
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', content }] : [];
  return Array.isArray(content) ? content.map(part) : [];
}

function textOf(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  return content.map((block: Block) => (typeof block?.text === 'string' ? block.text : '')).join('');
}

/** `messages` of a Messages request as input messages. */
export function inputMessages(messages: unknown): GenAIMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((message: Block) => ({
    role: typeof message?.role === 'string' ? message.role : 'user',
    parts: parts(message?.content),
  }));
}

/** `system` (a string or text blocks) as system instructions, or undefined when there is none. */
export function systemInstructions(system: unknown): Part[] | undefined {
  const found = parts(system);
  return found.length > 0 ? found : undefined;
}

/** The answer's content blocks as the output message. */
export function outputMessages(content: unknown, stopReason: unknown): GenAIMessage[] {
  return [
    {
      role: 'assistant',
      parts: parts(content),
      ...(typeof stopReason === 'string' ? { finish_reason: stopReason } : {}),
    },
  ];
}
