import { type ResponseSummary, stringOr } from '@aiotel/instrumentation-openai/genai';
import { outputMessages } from './content.js';

type Body = Record<string, unknown>;

/** Summary of a `Message` (a JSON answer). */
export function summarizeMessage(message: unknown, withContent: boolean): ResponseSummary {
  if (typeof message !== 'object' || message === null) return {};
  const body = message as Body;
  const stopReason = stringOr(body.stop_reason);
  return {
    id: stringOr(body.id),
    model: stringOr(body.model),
    finishReasons: stopReason !== undefined ? [stopReason] : undefined,
    usage: body.usage,
    outputMessages: withContent ? outputMessages(body.content, stopReason) : undefined,
  };
}

/**
 * Reads a Messages stream event by event: `message_start` gives id, model and the input usage (with cache reads and
 * writes), `content_block_*` the content, `message_delta` the stop reason and the cumulative usage (whose fields win
 * over the start's), `message_stop` the end. Output chunks are the `content_block_delta` events.
 */
export class MessageEventReader {
  private id: string | undefined;
  private model: string | undefined;
  private stopReason: string | undefined;
  private usage: Body | undefined;
  private stopped = false;
  private readonly blocks: Body[] | undefined;

  constructor(withContent: boolean) {
    this.blocks = withContent ? [] : undefined;
  }

  /** Whether `message_stop` arrived (a stream without it was cut short). */
  get complete(): boolean {
    return this.stopped;
  }

  /** The response model once known (for the chunk metrics). */
  get responseModel(): string | undefined {
    return this.model;
  }

  /** Reads one event; returns whether it is an output chunk. Never throws. */
  read(event: unknown): boolean {
    if (typeof event !== 'object' || event === null) return false;
    const body = event as Body;
    switch (body.type) {
      case 'content_block_delta':
        if (this.blocks !== undefined) this.gather(body);
        return true;
      case 'message_start': {
        const message = (body.message ?? {}) as Body;
        this.id = stringOr(message.id);
        this.model = stringOr(message.model);
        if (typeof message.usage === 'object' && message.usage !== null)
          this.usage = { ...(message.usage as Body) };
        return false;
      }
      case 'content_block_start':
        if (this.blocks !== undefined && typeof body.index === 'number') {
          this.blocks[body.index] = { ...((body.content_block ?? {}) as Body), partialJson: '' };
        }
        return false;
      case 'message_delta': {
        const reason = stringOr((body.delta as Body | undefined)?.stop_reason);
        if (reason !== undefined) this.stopReason = reason;
        this.mergeUsage(body.usage);
        return false;
      }
      case 'message_stop':
        this.stopped = true;
        return false;
      default:
        return false;
    }
  }

  summary(): ResponseSummary {
    return {
      id: this.id,
      model: this.model,
      finishReasons: this.stopReason !== undefined ? [this.stopReason] : undefined,
      usage: this.usage,
      outputMessages:
        this.blocks !== undefined
          ? outputMessages(this.blocks.map(finishedBlock), this.stopReason)
          : undefined,
    };
  }

  // message_delta's usage is cumulative; its null fields (older API versions) leave the start's counts.
  private mergeUsage(usage: unknown): void {
    if (typeof usage !== 'object' || usage === null) return;
    this.usage ??= {};
    for (const [key, value] of Object.entries(usage))
      if (value !== null && value !== undefined) this.usage[key] = value;
  }

  private gather(event: Body): void {
    const block = typeof event.index === 'number' ? this.blocks?.[event.index] : undefined;
    const delta = event.delta as Body | undefined;
    if (block === undefined || delta === undefined) return;
    if (typeof delta.text === 'string') block.text = String(block.text ?? '') + delta.text;
    else if (typeof delta.partial_json === 'string')
      block.partialJson = String(block.partialJson) + delta.partial_json;
    else if (typeof delta.thinking === 'string')
      block.thinking = String(block.thinking ?? '') + delta.thinking;
  }
}

// A streamed tool_use block's input arrives as JSON pieces; parse them once the stream is read.
function finishedBlock(block: Body | undefined): Body {
  if (block === undefined) return {};
  const { partialJson, ...rest } = block;
  if (rest.type !== 'tool_use' || typeof partialJson !== 'string' || partialJson === '') return rest;
  try {
    return { ...rest, input: JSON.parse(partialJson) };
  } catch {
    return { ...rest, input: partialJson };
  }
}
