import { type ChoicePlan, type CompletionPlan, planAnswer } from './completion.js';
import { invalidParameterBody, missingParameterBody } from './errors.js';
import { isReasoningModel, responseModel } from './models.js';
import { responsesOutputFormat } from './output-format.js';
import { randomHexId, randomId } from './prng.js';
import { errorReply, type Reply } from './reply.js';
import {
  type EndpointContext,
  isReply,
  optionalInteger,
  type RequestBody,
  requireModel,
} from './request-fields.js';

const ERROR_MESSAGE = 'The server had an error while processing your request. Sorry about that!';

function responsesUsage(plan: CompletionPlan) {
  return {
    input_tokens: plan.promptTokens,
    input_tokens_details: { cached_tokens: plan.cachedTokens },
    output_tokens: plan.completionTokens,
    output_tokens_details: { reasoning_tokens: plan.reasoningTokens },
    total_tokens: plan.promptTokens + plan.completionTokens,
  };
}

function event(type: string, sequenceNumber: number, fields: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequenceNumber, ...fields })}\n\n`;
}

type OutputItem = Record<string, unknown> & { id: string; type: string };

/** Handle `POST /v1/responses`, JSON or SSE stream. */
export function responses(body: RequestBody, context: EndpointContext): Reply {
  const model = requireModel(body);
  if (isReply(model)) return model;
  const input = body.input;
  if (input === undefined || input === null) return errorReply(400, missingParameterBody('input'));
  if (typeof input !== 'string' && !Array.isArray(input)) {
    return errorReply(
      400,
      invalidParameterBody('input', "Invalid 'input': expected a string or an array of items."),
    );
  }
  const maxOutputTokens = optionalInteger(body, 'max_output_tokens', 1, 10_000_000);
  if (isReply(maxOutputTokens)) return maxOutputTokens;

  const items: unknown[] = typeof input === 'string' ? [{ role: 'user', content: input }] : input;
  const messages =
    typeof body.instructions === 'string'
      ? [{ role: 'system', content: body.instructions }, ...items]
      : items;
  const plan = planAnswer(context, body, model, messages, {
    n: 1,
    maxTokens: maxOutputTokens,
    format: responsesOutputFormat(body.text),
  });
  const choice = plan.choices[0] as ChoicePlan;
  const truncated = choice.finishReason === 'length';
  const reasoningModel = isReasoningModel(model);
  const id = randomHexId('resp_', 48);
  const itemSuffix = id.slice(5);

  const reasoningItem: OutputItem | undefined = reasoningModel
    ? { id: `rs_${itemSuffix}`, type: 'reasoning', summary: [] }
    : undefined;
  const answerItem: OutputItem = choice.toolCall
    ? {
        id: `fc_${itemSuffix}`,
        call_id: randomId('call_', 24),
        type: 'function_call',
        name: choice.toolCall.name,
        arguments: choice.toolCall.arguments,
      }
    : {
        type: 'message',
        id: `msg_${itemSuffix}`,
        status: truncated ? 'incomplete' : 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: choice.text, annotations: [] }],
      };
  const output = reasoningItem ? [reasoningItem, answerItem] : [answerItem];

  const responseObject = (status: string, out: OutputItem[], usage: unknown) => ({
    id,
    object: 'response',
    created_at: context.nowSeconds,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: maxOutputTokens ?? null,
    model: responseModel(model),
    output: out,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: {
      effort: reasoningModel
        ? ((body.reasoning as { effort?: unknown } | undefined)?.effort ?? 'medium')
        : null,
      summary: null,
    },
    store: body.store ?? true,
    temperature: body.temperature ?? 1.0,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1.0,
    truncation: body.truncation ?? 'disabled',
    usage,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  });
  const finalStatus = truncated ? 'incomplete' : 'completed';
  const finalResponse = responseObject(finalStatus, output, responsesUsage(plan));

  if (body.stream !== true) {
    return {
      kind: 'json',
      status: 200,
      body: JSON.stringify(finalResponse),
      generatedTokens: plan.completionTokens,
      promptTokens: plan.promptTokens,
      completionTokens: plan.completionTokens,
    };
  }

  const frames: string[] = [];
  const starting = responseObject('in_progress', [], null);
  frames.push(event('response.created', frames.length, { response: starting }));
  frames.push(event('response.in_progress', frames.length, { response: starting }));
  let firstTokenFrame = -1;
  let lastTokenFrame = -1;
  output.forEach((item, outputIndex) => {
    const base = { item_id: item.id, output_index: outputIndex };
    if (item.type === 'reasoning') {
      frames.push(event('response.output_item.added', frames.length, { output_index: outputIndex, item }));
      frames.push(event('response.output_item.done', frames.length, { output_index: outputIndex, item }));
    } else if (item.type === 'function_call') {
      const args = String(item.arguments);
      frames.push(
        event('response.output_item.added', frames.length, {
          output_index: outputIndex,
          item: { ...item, arguments: '', status: 'in_progress' },
        }),
      );
      for (let i = 0; i < args.length; i += 5) {
        if (firstTokenFrame === -1) firstTokenFrame = frames.length;
        lastTokenFrame = frames.length;
        frames.push(
          event('response.function_call_arguments.delta', frames.length, {
            ...base,
            delta: args.slice(i, i + 5),
          }),
        );
      }
      frames.push(
        event('response.function_call_arguments.done', frames.length, { ...base, arguments: args }),
      );
      frames.push(event('response.output_item.done', frames.length, { output_index: outputIndex, item }));
    } else {
      const emptyPart = { type: 'output_text', annotations: [], text: '' };
      frames.push(
        event('response.output_item.added', frames.length, {
          output_index: outputIndex,
          item: { id: item.id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
        }),
      );
      frames.push(
        event('response.content_part.added', frames.length, { ...base, content_index: 0, part: emptyPart }),
      );
      // Deltas are the hot path of long streams: a template instead of JSON.stringify of an object per token.
      const deltaHead = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":`;
      const deltaMiddle = `,"item_id":"${item.id}","output_index":${outputIndex},"content_index":0,"delta":`;
      for (const piece of choice.pieces) {
        if (firstTokenFrame === -1) firstTokenFrame = frames.length;
        lastTokenFrame = frames.length;
        frames.push(`${deltaHead}${frames.length}${deltaMiddle}${JSON.stringify(piece)},"logprobs":[]}\n\n`);
      }
      const part = { type: 'output_text', annotations: [], text: choice.text };
      frames.push(
        event('response.output_text.done', frames.length, {
          ...base,
          content_index: 0,
          text: choice.text,
          logprobs: [],
        }),
      );
      frames.push(event('response.content_part.done', frames.length, { ...base, content_index: 0, part }));
      frames.push(event('response.output_item.done', frames.length, { output_index: outputIndex, item }));
    }
  });
  frames.push(event(`response.${finalStatus}`, frames.length, { response: finalResponse }));
  if (firstTokenFrame === -1) firstTokenFrame = lastTokenFrame = frames.length - 1;
  return {
    kind: 'stream',
    frames,
    firstTokenFrame,
    lastTokenFrame,
    errorFrame: (sequenceNumber) =>
      event('error', sequenceNumber, { code: 'server_error', message: ERROR_MESSAGE, param: null }),
    malformedFrame: 'event: response.created\ndata: {"type":"response.created","response":{"id":\n\n',
    promptTokens: plan.promptTokens,
    completionTokens: plan.completionTokens,
  };
}
