import { OVERLOADED_EVENT } from './anthropic-errors.js';
import { type MessagesAnswer, messagesUsage } from './messages-plan.js';
import type { StreamReply } from './reply.js';

function event(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Split tool input JSON into `input_json_delta` pieces of up to 6 characters, after the empty first one. */
function jsonPieces(json: string): string[] {
  const pieces = [''];
  for (let i = 0; i < json.length; i += 6) pieces.push(json.slice(i, i + 6));
  return pieces;
}

/**
 * The SSE event sequence of a Messages stream, as the API sends it: `message_start` (usage with input and cache tokens,
 * `output_tokens: 1`), per block `content_block_start` / `content_block_delta`… / `content_block_stop` with one `ping`
 * after the first block starts, `message_delta` (stop reason, cumulative usage), `message_stop`.
 */
export function messagesStream(answer: MessagesAnswer, promptTokens: number): StreamReply {
  const frames: string[] = [
    event('message_start', {
      message: {
        id: answer.id,
        type: 'message',
        role: 'assistant',
        model: answer.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: messagesUsage(answer, 1),
      },
    }),
  ];
  const { toolCall } = answer.choice;
  const texts = toolCall ? answer.preface : answer.choice.pieces;
  frames.push(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
  frames.push(event('ping', {}));
  for (const text of texts) {
    frames.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }));
  }
  frames.push(event('content_block_stop', { index: 0 }));
  if (toolCall) {
    frames.push(
      event('content_block_start', {
        index: 1,
        content_block: { type: 'tool_use', id: answer.toolUseId, name: toolCall.name, input: {} },
      }),
    );
    for (const partial_json of jsonPieces(toolCall.arguments)) {
      frames.push(
        event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json } }),
      );
    }
    frames.push(event('content_block_stop', { index: 1 }));
  }
  const lastTokenFrame = frames.length - 2;
  frames.push(
    event('message_delta', {
      delta: { stop_reason: answer.stopReason, stop_sequence: null },
      usage: {
        input_tokens: answer.inputTokens,
        cache_creation_input_tokens: answer.cacheCreationTokens,
        cache_read_input_tokens: answer.cacheReadTokens,
        output_tokens: answer.plan.completionTokens,
      },
    }),
  );
  frames.push(event('message_stop', {}));
  return {
    kind: 'stream',
    frames,
    // message_start, the first block's start and the ping go out together with the first delta.
    firstTokenFrame: Math.min(3, lastTokenFrame),
    lastTokenFrame,
    errorFrame: () => OVERLOADED_EVENT,
    malformedFrame: 'event: message_start\ndata: {"type":"message_start","message":{"id":\n\n',
    promptTokens,
    completionTokens: answer.plan.completionTokens,
  };
}
