import { COST_HEADERS } from '@aiotel/cost';
import type { Attributes, Context } from '@opentelemetry/api';
import { type ApiKind, operationName, requestAttributes } from './attributes.js';
import { ChatChunkReader, ChunkKind, type ChunkReader, ResponsesEventReader } from './chunks.js';
import {
  chatInputMessages,
  contentAttribute,
  responsesInputMessages,
  systemInstructions,
} from './content.js';
import { resolveProvider } from './provider.js';
import { GenAICallRecorder, type RecordedCallStart } from './recorder.js';
import { ATTR_GEN_AI_INPUT_MESSAGES, ATTR_GEN_AI_SYSTEM_INSTRUCTIONS } from './semconv.js';
import { type ServerAttributes, serverAttributes } from './server.js';
import { observeStream, type StreamObserver } from './stream.js';
import { summarizeResult } from './summary.js';
import type { Telemetry } from './telemetry.js';

let rejectionAdvised = false;

/** The response headers, as the SDK's `Response` has them. */
export interface HeadersLike {
  get(name: string): string | null;
}

/** The SDK client fields we read (`this._client` of a resource). */
export interface ClientLike {
  baseURL?: unknown;
  apiKey?: unknown;
}

/**
 * One `openai` call: what its parameters, results and stream chunks mean (usage asked for in streamed chat calls,
 * Chat and Responses chunk readers, cost headers); the shared recorder does the span, metrics and cost. Ends exactly
 * once, whichever of result, error, end of stream, early close or raw response comes first. It is its own
 * {@link RecordedCallStart}: no extra object or closure per call.
 */
export class GenAICall implements StreamObserver, RecordedCallStart {
  /** The context to run the SDK call in (the span is active there). */
  readonly context: Context;
  /** The parameters as sent: the caller's, or a copy asking for stream usage. */
  readonly params: Record<string, unknown>;
  readonly operation: string;
  readonly providerName: string;
  readonly pricingProvider: string | undefined;
  readonly requestModel: string;
  readonly server: ServerAttributes;
  readonly apiKey: string | undefined;
  readonly hasOutput: boolean;
  private readonly recorder: GenAICallRecorder;
  private readonly usageInjected: boolean;
  private reader: ChunkReader | undefined;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly kind: ApiKind,
    params: Record<string, unknown>,
    client: ClientLike | undefined,
  ) {
    const { settings } = telemetry;
    this.operation = operationName(kind);
    this.requestModel = typeof params.model === 'string' ? params.model : '';
    this.server = serverAttributes(client?.baseURL);
    const provider = resolveProvider(this.requestModel, this.server, settings.providerName);
    this.providerName = provider.name;
    this.pricingProvider = provider.pricingProvider;
    this.apiKey = typeof client?.apiKey === 'string' ? client.apiKey : undefined;
    this.hasOutput = kind !== 'embeddings';
    const withUsage = settings.injectStreamUsage ? streamUsageParams(kind, params) : undefined;
    this.usageInjected = withUsage !== undefined;
    this.params = withUsage ?? params;
    this.recorder = new GenAICallRecorder(telemetry, this);
    this.context = this.recorder.context;
  }

  get sdk(): string {
    return 'openai';
  }

  /** Request attributes (and captured input) of the parameters; the copy asking for usage reads the same. */
  describeRequest(attributes: Attributes): void {
    const { params } = this;
    requestAttributes(this.kind, params, attributes);
    if (this.telemetry.settings.captureMessageContent) this.captureInput(params, attributes);
  }

  /**
   * Called with the SDK's parsed result and the response headers; returns the result unchanged (a stream gets
   * observed in place). Only the first result counts: a helper's derived promise may report the same response
   * again.
   */
  onResult<T>(result: T, headers?: HeadersLike): T {
    const recorder = this.recorder;
    if (!recorder.firstResult()) return result;
    try {
      if (this.params.stream === true) {
        const stream = result as { iterator?: unknown } | null;
        if (typeof stream?.iterator === 'function') observeStream(stream as never, this);
        else recorder.finish({});
        return result;
      }
      const summary = summarizeResult(this.kind, result, this.telemetry.settings.captureMessageContent);
      if (headers !== undefined) summary.costHeader = costHeader(headers);
      recorder.finish(summary);
    } catch (err) {
      recorder.internalError(err);
    }
    return result;
  }

  /** The reader for this call's stream chunks (created when the stream is first read). */
  streamReader(): ChunkReader {
    this.reader ??=
      this.kind === 'responses'
        ? new ResponsesEventReader(this.telemetry.settings.captureMessageContent)
        : new ChatChunkReader(this.usageInjected, this.telemetry.settings.captureMessageContent);
    return this.reader;
  }

  /** Reads a streamed chunk and times it; returns whether to hide it from the caller. Never throws. */
  readChunk(chunk: unknown): boolean {
    try {
      // Read even after the span ended: hiding what we asked for must not depend on telemetry.
      const reader = this.streamReader();
      const kind = reader.read(chunk);
      if (kind === ChunkKind.Output) this.recorder.timeChunk(reader);
      return kind === ChunkKind.Hidden;
    } catch (err) {
      this.recorder.internalError(err);
      return false;
    }
  }

  /** The stream ended: normally, or (`aborted`) because the caller aborted its request. */
  streamEnded(aborted: boolean): void {
    this.recorder.streamEnded(aborted, this.reader);
  }

  /** The caller stopped reading early (`break`, `return()`, closing both tee branches). */
  streamClosed(): void {
    this.recorder.streamClosed(this.reader);
  }

  /** The call or its stream failed. */
  fail(err: unknown): void {
    const type = this.recorder.fail(err, this.reader);
    if (this.usageInjected && type === '400') this.adviseOnRejectedStreamUsage(err);
  }

  /** The caller took the raw `Response` (`asResponse()`): the body is theirs, the call ends here. */
  rawResponseTaken(): void {
    this.recorder.rawResponseTaken();
  }

  private captureInput(params: Record<string, unknown>, attributes: Attributes): void {
    const max = this.telemetry.settings.contentMaxLength;
    if (this.kind === 'chat.completions') {
      attributes[ATTR_GEN_AI_INPUT_MESSAGES] = contentAttribute(chatInputMessages(params.messages), max);
    } else if (this.kind === 'responses') {
      attributes[ATTR_GEN_AI_INPUT_MESSAGES] = contentAttribute(responsesInputMessages(params.input), max);
      const instructions = systemInstructions(params.instructions);
      if (instructions) attributes[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = contentAttribute(instructions, max);
    }
  }

  // A server that rejects the stream_options we added: say once how to stop adding them.
  private adviseOnRejectedStreamUsage(err: unknown): void {
    const message = (err as { message?: unknown } | null)?.message;
    if (typeof message !== 'string' || !message.includes('stream_options') || rejectionAdvised) return;
    rejectionAdvised = true;
    this.telemetry.diag.warn(
      'the server rejected stream_options.include_usage, which this instrumentation adds to streamed chat calls to record their usage; set injectStreamUsage: false (or AIOTEL_GENAI_INJECT_STREAM_USAGE=false) for this server',
    );
  }
}

// The first cost header a relay sent, if any; never throws, so the call still ends with its other telemetry.
function costHeader(headers: HeadersLike): string | undefined {
  try {
    for (const name of COST_HEADERS) {
      const value = headers.get(name);
      if (value !== null) return value;
    }
  } catch {
    // A headers object we do not know: no reported cost.
  }
  return undefined;
}

/**
 * A copy of streamed chat params that asks for usage in a final chunk, or `undefined` when the caller
 * already decided (`stream_options.include_usage` set to anything) or this is not a streamed chat call.
 * The caller's object is never changed.
 */
function streamUsageParams(
  kind: ApiKind,
  params: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (kind !== 'chat.completions' || params.stream !== true) return undefined;
  const options = params.stream_options as Record<string, unknown> | null | undefined;
  if (options?.include_usage != null) return undefined;
  return { ...params, stream_options: { ...options, include_usage: true } };
}
