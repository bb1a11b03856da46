import { type MessagesAnswer, messagesUsage, planMessages } from './messages-plan.js';
import { messagesStream } from './messages-stream.js';
import type { Reply } from './reply.js';
import type { EndpointContext, RequestBody } from './request-fields.js';

/** The answer's content blocks: text, or a short preface and a `tool_use` block. */
function contentBlocks(answer: MessagesAnswer): unknown[] {
  const { toolCall } = answer.choice;
  if (!toolCall) return [{ type: 'text', text: answer.choice.text }];
  return [
    { type: 'text', text: answer.preface.join('') },
    { type: 'tool_use', id: answer.toolUseId, name: toolCall.name, input: JSON.parse(toolCall.arguments) },
  ];
}

/**
 * Handle `POST /v1/messages` (Anthropic's Messages API), JSON or SSE stream. Cache tokens follow the caller's
 * `cache_control` marks: the first request with a marked prefix writes it (`cache_creation_input_tokens`), later ones
 * read it (`cache_read_input_tokens`); `input_tokens` is the rest, as the real API reports it.
 */
export function messages(body: RequestBody, context: EndpointContext): Reply {
  const answer = planMessages(body, context);
  if ('kind' in answer) return answer;
  const promptTokens = answer.inputTokens + answer.cacheCreationTokens + answer.cacheReadTokens;
  if (body.stream === true) return messagesStream(answer, promptTokens);
  const response = {
    id: answer.id,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content: contentBlocks(answer),
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: messagesUsage(answer, answer.plan.completionTokens),
  };
  return {
    kind: 'json',
    status: 200,
    body: JSON.stringify(response),
    generatedTokens: answer.plan.completionTokens,
    promptTokens,
    completionTokens: answer.plan.completionTokens,
  };
}
