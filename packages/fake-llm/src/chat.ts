import { type ChoicePlan, type CompletionPlan, planAnswer } from './completion.js';
import { type Dialect, fakeCost } from './dialects.js';
import { invalidParameterBody, missingParameterBody } from './errors.js';
import { chatOutputFormat } from './output-format.js';
import { hashString, randomId } from './prng.js';
import { errorReply, type Reply } from './reply.js';
import {
  type EndpointContext,
  isReply,
  optionalInteger,
  type RequestBody,
  requireModel,
  systemFingerprint,
} from './request-fields.js';

const SERVER_ERROR = JSON.stringify({
  error: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    param: null,
    code: null,
  },
});

/** Most tokens one answer may hold across its choices (keeps a request from making the server build gigabytes). */
const MAX_GENERATED_TOKENS = 200_000;

function chatUsage(plan: CompletionPlan, dialect: Dialect) {
  const usage = {
    prompt_tokens: plan.promptTokens,
    completion_tokens: plan.completionTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
    prompt_tokens_details: { cached_tokens: plan.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: plan.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  return dialect.usageCost ? { ...usage, cost: fakeCost(plan.promptTokens, plan.completionTokens) } : usage;
}

/** Usage so far, as a relay streaming running totals reports it on each chunk. */
function runningUsage(promptTokens: number, completionTokens: number): string {
  return `{"prompt_tokens":${promptTokens},"completion_tokens":${completionTokens},"total_tokens":${promptTokens + completionTokens}}`;
}

function toolCallId(): string {
  return randomId('call_', 24);
}

function jsonChoice(choice: ChoicePlan, index: number, dialect: Dialect) {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: choice.toolCall ? null : choice.text,
  };
  if (choice.toolCall) {
    message.tool_calls = [
      {
        id: toolCallId(),
        type: 'function',
        function: { name: choice.toolCall.name, arguments: choice.toolCall.arguments },
      },
    ];
  }
  message.refusal = null;
  message.annotations = [];
  return { index, message, logprobs: null, finish_reason: dialect.finishReason(choice.finishReason) };
}

/** Split tool-call arguments into stream pieces of up to 5 characters, as the real stream does. */
function argumentPieces(args: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < args.length; i += 5) pieces.push(args.slice(i, i + 5));
  return pieces;
}

/** Handle `POST /v1/chat/completions`, JSON or SSE stream. */
export function chatCompletions(body: RequestBody, context: EndpointContext): Reply {
  const model = requireModel(body);
  if (isReply(model)) return model;
  const messages = body.messages;
  if (messages === undefined || messages === null) return errorReply(400, missingParameterBody('messages'));
  if (!Array.isArray(messages) || messages.length === 0) {
    return errorReply(
      400,
      invalidParameterBody('messages', "Invalid 'messages': expected a non-empty array of messages."),
    );
  }
  const n = optionalInteger(body, 'n', 1, 128);
  if (isReply(n)) return n;
  const maxCompletionTokens = optionalInteger(body, 'max_completion_tokens', 1, 10_000_000);
  if (isReply(maxCompletionTokens)) return maxCompletionTokens;
  const maxTokens = optionalInteger(body, 'max_tokens', 1, 10_000_000);
  if (isReply(maxTokens)) return maxTokens;

  if ((n ?? 1) * (context.requestedTokens ?? 0) > MAX_GENERATED_TOKENS) {
    return errorReply(
      400,
      invalidParameterBody(
        'n',
        `n × x-fake-tokens must not exceed ${MAX_GENERATED_TOKENS} tokens in one answer.`,
      ),
    );
  }
  const plan = planAnswer(context, body, model, messages, {
    n: n ?? 1,
    maxTokens: maxCompletionTokens ?? maxTokens,
    format: chatOutputFormat(body.response_format),
  });
  const id = randomId('chatcmpl-');
  const { dialect } = context;
  const servedModel = dialect.model(model);
  const fingerprint = systemFingerprint(hashString(servedModel));

  if (body.stream !== true) {
    const response = {
      id,
      object: 'chat.completion',
      created: context.nowSeconds,
      model: servedModel,
      choices: plan.choices.map((choice, index) => jsonChoice(choice, index, dialect)),
      usage: chatUsage(plan, dialect),
      service_tier: 'default',
      system_fingerprint: fingerprint,
    };
    return {
      kind: 'json',
      status: 200,
      body: JSON.stringify(response),
      generatedTokens: plan.completionTokens,
      promptTokens: plan.promptTokens,
      completionTokens: plan.completionTokens,
      ...(dialect.costHeader
        ? {
            headers: {
              'x-litellm-response-cost': String(fakeCost(plan.promptTokens, plan.completionTokens)),
            },
          }
        : {}),
    };
  }

  const streamOptions = body.stream_options;
  const includeUsage =
    typeof streamOptions === 'object' &&
    streamOptions !== null &&
    (streamOptions as { include_usage?: unknown }).include_usage === true;
  const usageAt = includeUsage ? dialect.streamUsage : 'never';
  const data = dialect.dataPrefix;
  // Every chunk shares this head and tail; only the choice part changes, so no per-chunk JSON of whole objects.
  const head = `${data}{"id":"${id}","object":"chat.completion.chunk","created":${context.nowSeconds},"model":${JSON.stringify(
    servedModel,
  )},"service_tier":"default","system_fingerprint":"${fingerprint}","choices":[`;
  const tail = includeUsage && dialect.nullUsage ? '],"usage":null}\n\n' : ']}\n\n';
  // Completion tokens sent so far, for running usage: one per content or argument chunk.
  let sentTokens = 0;
  const chunk = (index: number, delta: string, finish: string, usage?: string) => {
    const end =
      usage !== undefined
        ? `],"usage":${usage}}\n\n`
        : usageAt === 'every-chunk'
          ? `],"usage":${runningUsage(plan.promptTokens, Math.min(sentTokens, plan.completionTokens))}}\n\n`
          : tail;
    return `${head}{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish}}${end}`;
  };

  const frames: string[] = [];
  for (let index = 0; index < plan.choices.length; index++) {
    const choice = plan.choices[index] as ChoicePlan;
    if (choice.toolCall) {
      frames.push(chunk(index, '{"role":"assistant","content":null}', 'null'));
      const opening = {
        tool_calls: [
          {
            index: 0,
            id: toolCallId(),
            type: 'function',
            function: { name: choice.toolCall.name, arguments: '' },
          },
        ],
      };
      frames.push(chunk(index, JSON.stringify(opening), 'null'));
      for (const piece of argumentPieces(choice.toolCall.arguments)) {
        sentTokens++;
        frames.push(
          chunk(
            index,
            `{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(piece)}}}]}`,
            'null',
          ),
        );
      }
    } else {
      frames.push(chunk(index, '{"role":"assistant","content":"","refusal":null}', 'null'));
      for (const piece of choice.pieces) {
        sentTokens++;
        frames.push(chunk(index, `{"content":${JSON.stringify(piece)}}`, 'null'));
      }
    }
  }
  const lastTokenFrame = frames.length - 1;
  const finalUsage = usageAt === 'never' ? undefined : JSON.stringify(chatUsage(plan, dialect));
  const usageOnFinish = usageAt === 'finish-chunk' || usageAt === 'every-chunk';
  for (let index = 0; index < plan.choices.length; index++) {
    const reason = dialect.finishReason((plan.choices[index] as ChoicePlan).finishReason);
    const last = index === plan.choices.length - 1;
    frames.push(chunk(index, '{}', `"${reason}"`, usageOnFinish && last ? finalUsage : undefined));
  }
  if (usageAt === 'empty-choices') frames.push(`${head}],"usage":${finalUsage}}\n\n`);
  if (usageAt === 'empty-delta') frames.push(`${head}{"index":0,"delta":{}}],"usage":${finalUsage}}\n\n`);
  if (dialect.done) frames.push(`${data}[DONE]\n\n`);
  if (dialect.comment !== undefined) {
    for (let i = 0; i < frames.length; i += 4) frames[i] = `${dialect.comment}\n\n${frames[i]}`;
  }
  return {
    kind: 'stream',
    frames,
    firstTokenFrame: Math.min(1, lastTokenFrame),
    lastTokenFrame,
    errorFrame: () => `${data}${SERVER_ERROR}\n\n`,
    malformedFrame: `${data}{"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\n\n`,
    promptTokens: plan.promptTokens,
    completionTokens: plan.completionTokens,
  };
}
