import { chatOutputMessage } from './content.js';
import { providerErrorType } from './errors.js';
import { ERROR_TYPE_OTHER } from './semconv.js';
import { type ResponseSummary, stringOr, summarizeResponse } from './summary.js';

/** What a chunk is to the stream observer. */
export const ChunkKind = {
  /** Not output (lifecycle event, usage, a chunk without choices): no chunk timing. */
  Other: 0,
  /** Output: timed (time to first chunk, time per output chunk). */
  Output: 1,
  /** The usage-only chunk we asked for: read, then hidden from the caller. */
  Hidden: 2,
} as const;
export type ChunkKind = (typeof ChunkKind)[keyof typeof ChunkKind];

/** Gathers what a call's stream says, chunk by chunk. */
export interface ChunkReader {
  /** Reads one chunk; may unset (to `undefined`) the `usage: null` field we caused. Never throws. */
  read(chunk: unknown): ChunkKind;
  /** The response model once a chunk said it (for the chunk metrics). */
  readonly responseModel: string | undefined;
  summary(): ResponseSummary;
}

type Body = Record<string, unknown>;

interface ChoiceText {
  role?: string;
  content: string;
  toolCalls: { id?: unknown; type?: unknown; function: { name: string; arguments: string } }[];
}

/** Chat Completions chunks (`chat.completion.chunk`). */
export class ChatChunkReader implements ChunkReader {
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;
  private readonly finishReasons: string[] = [];
  private readonly texts: ChoiceText[] | undefined;

  /**
   * @param usageInjected we added `stream_options.include_usage`: hide the usage chunk it causes and unset the
   *   `usage` field (null, or a relay's running usage) it adds to the other chunks, so the caller sees what the
   *   server would have sent without it.
   */
  constructor(
    private readonly usageInjected: boolean,
    withContent: boolean,
  ) {
    this.texts = withContent ? [] : undefined;
  }

  get responseModel(): string | undefined {
    return this.model;
  }

  read(chunk: unknown): ChunkKind {
    if (typeof chunk !== 'object' || chunk === null) return ChunkKind.Other;
    const body = chunk as Body;
    if (this.id === undefined && typeof body.id === 'string') this.id = body.id;
    if (this.model === undefined && typeof body.model === 'string' && body.model !== '') {
      this.model = body.model;
    }
    const usage = body.usage;
    // Not `delete`: it turns the chunk into a slow dictionary-mode object for every later read (≈2 µs a
    // chunk). Undefined serializes like the missing field; only `'usage' in chunk` tells them apart.
    if (usage === null) {
      if (this.usageInjected) body.usage = undefined;
    } else if (usage !== undefined && this.readUsage(body, usage)) {
      return ChunkKind.Hidden;
    }
    const choices = body.choices;
    if (!Array.isArray(choices) || choices.length === 0) return ChunkKind.Other;
    for (const choice of choices as Body[]) {
      const index = typeof choice?.index === 'number' ? choice.index : 0;
      if (typeof choice?.finish_reason === 'string') this.finishReasons[index] = choice.finish_reason;
      if (this.texts !== undefined) this.gather(index, choice?.delta as Body | undefined);
    }
    return ChunkKind.Output;
  }

  summary(): ResponseSummary {
    const finishReasons = Array.from(this.finishReasons, (reason) => reason ?? '');
    return {
      id: this.id,
      model: this.model,
      finishReasons: finishReasons.length > 0 ? finishReasons : undefined,
      usage: this.usage,
      outputMessages: this.texts?.map((text, index) =>
        chatOutputMessage(
          {
            role: text.role ?? 'assistant',
            content: text.content,
            ...(text.toolCalls.length > 0 ? { tool_calls: text.toolCalls } : {}),
          },
          this.finishReasons[index],
        ),
      ),
    };
  }

  /**
   * Keeps a chunk's usage object (the last one wins: some relays send running totals on every chunk). When we asked
   * for usage, unsets the field on the chunks the caller gets and returns true for a chunk the server sent only
   * because we asked: usage and nothing for the caller, whatever its choices hold (`[]`, or a relay's
   * `[{ index: 0, delta: {} }]` after the finish reason).
   */
  private readUsage(body: Body, usage: unknown): boolean {
    if (typeof usage !== 'object' || usage === null) return false;
    this.usage = usage;
    if (!this.usageInjected) return false;
    const choices = body.choices;
    const hidden = !Array.isArray(choices)
      ? true
      : choices.length === 0 || (this.finishReasons.length > 0 && !carriesOutput(choices as Body[]));
    if (!hidden) body.usage = undefined;
    return hidden;
  }

  private gather(index: number, delta: Body | undefined): void {
    if (delta === undefined || this.texts === undefined) return;
    let text = this.texts[index];
    if (text === undefined) {
      text = { content: '', toolCalls: [] };
      this.texts[index] = text;
    }
    if (typeof delta.role === 'string') text.role = delta.role;
    if (typeof delta.content === 'string') text.content += delta.content;
    if (!Array.isArray(delta.tool_calls)) return;
    for (const call of delta.tool_calls as Body[]) {
      const at = typeof call?.index === 'number' ? call.index : text.toolCalls.length;
      const fn = (call?.function ?? {}) as Body;
      let gathered = text.toolCalls[at];
      if (gathered === undefined) {
        gathered = { id: call?.id, type: call?.type, function: { name: '', arguments: '' } };
        text.toolCalls[at] = gathered;
      }
      if (typeof fn.name === 'string') gathered.function.name += fn.name;
      if (typeof fn.arguments === 'string') gathered.function.arguments += fn.arguments;
    }
  }
}

/**
 * Whether any choice holds something for the caller: a finish reason, log probabilities, or a delta field other
 * than `role` with a value (content, tool calls, refusal, audio, a relay's reasoning text…; `''`, `[]` and `null`
 * are nothing).
 */
function carriesOutput(choices: readonly Body[]): boolean {
  for (const choice of choices) {
    if (choice?.finish_reason != null || choice?.logprobs != null) return true;
    const delta = choice?.delta as Body | undefined;
    if (typeof delta !== 'object' || delta === null) continue;
    for (const key in delta) {
      if (key === 'role') continue;
      const value = delta[key];
      if (value != null && value !== '' && !(Array.isArray(value) && value.length === 0)) return true;
    }
  }
  return false;
}

/**
 * Responses API events. Output chunks are the `*.delta` events (text, tool arguments, reasoning);
 * lifecycle events (`response.created`, …) are not timed. The final `response.completed`,
 * `response.incomplete` or `response.failed` event carries id, model, status and usage.
 */
export class ResponsesEventReader implements ChunkReader {
  private started: Body | undefined;
  private final: Body | undefined;
  // openai <= 6 hands a Responses `error` event to the caller's loop instead of throwing it.
  private errorCode: unknown;

  constructor(private readonly withContent: boolean) {}

  get responseModel(): string | undefined {
    return stringOr((this.final ?? this.started)?.model);
  }

  read(event: unknown): ChunkKind {
    if (typeof event !== 'object' || event === null) return ChunkKind.Other;
    const type = (event as Body).type;
    if (typeof type !== 'string') return ChunkKind.Other;
    if (type.endsWith('.delta')) return ChunkKind.Output;
    if (type === 'error') {
      this.errorCode = (event as Body).code ?? null;
      return ChunkKind.Other;
    }
    const response = (event as Body).response as Body | undefined;
    if (typeof response !== 'object' || response === null) return ChunkKind.Other;
    if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      this.final = response;
    } else if (this.started === undefined) {
      this.started = response;
    }
    return ChunkKind.Other;
  }

  summary(): ResponseSummary {
    const summary: ResponseSummary =
      this.final === undefined
        ? { id: stringOr(this.started?.id), model: stringOr(this.started?.model) }
        : summarizeResponse(this.final, this.withContent);
    if (this.final?.status === 'failed') {
      summary.failure = providerFailure((this.final.error as Body | undefined)?.code);
    } else if (this.errorCode !== undefined) {
      summary.failure = providerFailure(this.errorCode);
    }
    return summary;
  }
}

function providerFailure(code: unknown): string {
  return providerErrorType(code) ?? ERROR_TYPE_OTHER;
}
