import { COST_HEADERS, usageFromOpenAI } from '@aiotel/cost';
import type { Redactor } from '@aiotel/genai-core';
import {
  type Attributes,
  type Context,
  context,
  type DiagLogger,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { type ApiKind, operationName, requestAttributes } from './attributes.js';
import { currentBusinessAttributes, metricBusinessAttributes } from './attribution.js';
import { recordCallCost } from './call-cost.js';
import { ChunkTiming } from './chunk-timing.js';
import { ChatChunkReader, ChunkKind, type ChunkReader, ResponsesEventReader } from './chunks.js';
import {
  chatInputMessages,
  contentAttribute,
  responsesInputMessages,
  systemInstructions,
} from './content.js';
import type { CallCosting } from './cost.js';
import { errorType, recordFailure } from './errors.js';
import { CallMetricAttributes } from './metric-attributes.js';
import type { Instruments } from './metrics.js';
import { type CallProvider, resolveProvider } from './provider.js';
import {
  ATTR_AIOTEL_GEN_AI_USAGE_UNKNOWN,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ERROR_TYPE_OTHER,
} from './semconv.js';
import { serverAttributes } from './server.js';
import type { Settings } from './settings.js';
import { observeStream, type StreamObserver } from './stream.js';
import { type ResponseSummary, summarizeResult } from './summary.js';
import { recordTokens, usageAttributes } from './tokens.js';

let rejectionAdvised = false;

// Calls without business keys on their metrics share their metric attribute objects: the provider
// (cached per base URL and model) and the operation name say all the rest.
const sharedMetricAttributes = new WeakMap<CallProvider, Map<string, CallMetricAttributes>>();

/** What a call needs from the instrumentation, captured when the call starts. */
export interface Telemetry {
  readonly tracer: Tracer;
  readonly instruments: Instruments;
  readonly settings: Settings;
  readonly costing: CallCosting;
  readonly diag: DiagLogger;
  /** Scrubs exception messages; remembers each client's API key on its first failure. */
  readonly redactor: Redactor;
}

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
 * One GenAI call: its span, and the metrics recorded when it ends. Ends exactly once, whichever of
 * result, error, end of stream, early close or raw response comes first; later signals are ignored.
 */
export class GenAICall implements StreamObserver {
  /** The context to run the SDK call in (the span is active there). */
  readonly context: Context;
  /** The parameters as sent: the caller's, or a copy asking for stream usage. */
  readonly params: Record<string, unknown>;
  private readonly span: Span;
  private readonly startedAt = performance.now();
  private readonly metricAttributes: CallMetricAttributes;
  private readonly requestModel: string;
  private readonly providerForPricing: string | undefined;
  private readonly apiKey: string | undefined;
  private readonly usageInjected: boolean;
  private ended = false;
  private resultSeen = false;
  private reader: ChunkReader | undefined;
  private chunkTiming: ChunkTiming | undefined;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly kind: ApiKind,
    params: Record<string, unknown>,
    client: ClientLike | undefined,
  ) {
    const { settings } = telemetry;
    this.requestModel = typeof params.model === 'string' ? params.model : '';
    this.apiKey = typeof client?.apiKey === 'string' ? client.apiKey : undefined;
    const server = serverAttributes(client?.baseURL);
    const provider = resolveProvider(this.requestModel, server.baseUrl, settings.providerName);
    this.providerForPricing = provider.pricingProvider;
    const operation = operationName(kind);

    const withUsage = settings.injectStreamUsage ? streamUsageParams(kind, params) : undefined;
    this.usageInjected = withUsage !== undefined;
    this.params = withUsage ?? params;
    const business = currentBusinessAttributes();
    const common: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: operation,
      [ATTR_GEN_AI_PROVIDER_NAME]: provider.name,
      [ATTR_GEN_AI_REQUEST_MODEL]: this.requestModel,
      ...server.attributes,
    };
    this.metricAttributes = callMetricAttributes(
      provider,
      operation,
      metricBusinessAttributes(business, settings.metricAttributes),
      common,
    );
    const attributes: Attributes = { ...business, ...common };
    requestAttributes(kind, params, attributes);
    if (settings.captureMessageContent) this.captureInput(params, attributes);

    const parent = context.active();
    this.span = telemetry.tracer.startSpan(
      this.requestModel ? `${operation} ${this.requestModel}` : operation,
      { kind: SpanKind.CLIENT, attributes },
      parent,
    );
    this.context = trace.setSpan(parent, this.span);
  }

  /**
   * Called with the SDK's parsed result and the response headers; returns the result unchanged (a stream gets
   * observed in place). Only the first result counts: a helper's derived promise may report the same response
   * again.
   */
  onResult<T>(result: T, headers?: HeadersLike): T {
    if (this.ended || this.resultSeen) return result;
    this.resultSeen = true;
    try {
      if (this.params.stream === true) {
        const stream = result as { iterator?: unknown } | null;
        if (typeof stream?.iterator === 'function') observeStream(stream as never, this);
        else this.finish({});
        return result;
      }
      const summary = summarizeResult(this.kind, result, this.telemetry.settings.captureMessageContent);
      if (headers !== undefined) summary.costHeader = costHeader(headers);
      this.finish(summary);
    } catch (err) {
      this.internalError(err);
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
      const kind = this.streamReader().read(chunk);
      if (kind === ChunkKind.Output && !this.ended) this.timeChunk(performance.now());
      return kind === ChunkKind.Hidden;
    } catch (err) {
      this.internalError(err);
      return false;
    }
  }

  /** The stream ended: normally, or (`aborted`) because the caller aborted its request. */
  streamEnded(aborted: boolean): void {
    if (this.ended) return;
    if (aborted) {
      // Named like the error the SDK throws for an aborted non-streamed call.
      const error = Object.assign(new Error('Request was aborted.'), { name: 'APIUserAbortError' });
      this.finish(this.streamSummary(), { type: 'APIUserAbortError', error });
    } else {
      this.finish(this.streamSummary());
    }
  }

  /** The caller stopped reading early (`break`, `return()`, closing both tee branches). */
  streamClosed(): void {
    if (!this.ended) this.finish(this.streamSummary());
  }

  /** The call or its stream failed. */
  fail(err: unknown): void {
    if (this.ended) return;
    let type: string;
    try {
      type = errorType(err);
    } catch {
      type = ERROR_TYPE_OTHER;
    }
    if (this.usageInjected && type === '400') this.adviseOnRejectedStreamUsage(err);
    this.finish(this.streamSummary(), { type, error: err });
  }

  /** The caller took the raw `Response` (`asResponse()`): the body is theirs, the call ends here. */
  rawResponseTaken(): void {
    this.finish({});
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

  // What the chunks read so far say (nothing for non-streamed calls).
  private streamSummary(): ResponseSummary {
    try {
      return this.reader?.summary() ?? {};
    } catch (err) {
      this.internalError(err);
      return {};
    }
  }

  private timeChunk(now: number): void {
    if (this.chunkTiming === undefined) {
      this.chunkTiming = new ChunkTiming(this.telemetry.instruments, this.startedAt);
      const model = this.streamSummary().model;
      this.chunkTiming.first(now, this.metricAttributes.forResponseModel(model).call);
    } else {
      this.chunkTiming.next(now);
    }
  }

  private finish(summary: ResponseSummary, failure?: { type: string; error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.span;
    try {
      this.chunkTiming?.flush();
      const seconds = (performance.now() - this.startedAt) / 1000;
      const { instruments, settings } = this.telemetry;
      const attributes: Attributes = {};
      if (summary.id !== undefined) attributes[ATTR_GEN_AI_RESPONSE_ID] = summary.id;
      if (summary.model !== undefined) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = summary.model;
      if (summary.finishReasons !== undefined) {
        attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = summary.finishReasons;
      }
      const timeToFirstChunk = this.chunkTiming?.timeToFirstChunk();
      if (timeToFirstChunk !== undefined) {
        attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = timeToFirstChunk;
      }
      const usage = summary.usage != null ? usageFromOpenAI(summary.usage) : undefined;
      if (usage !== undefined) usageAttributes(usage, this.kind !== 'embeddings', attributes);
      if (settings.captureMessageContent && summary.outputMessages !== undefined) {
        attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] = contentAttribute(
          summary.outputMessages,
          settings.contentMaxLength,
        );
      }
      const metricAttributes = this.metricAttributes.forResponseModel(summary.model);
      const errorType = failure?.type ?? summary.failure;
      if (usage !== undefined) {
        recordTokens(this.telemetry.instruments, usage, this.kind !== 'embeddings', metricAttributes);
        recordCallCost(
          this.telemetry.costing,
          instruments,
          { summary, usage, requestModel: this.requestModel, provider: this.providerForPricing },
          metricAttributes.call,
          attributes,
          (err) => this.internalError(err),
        );
      } else if (this.resultSeen && errorType === undefined) {
        // Answered, but the server said nothing about usage: unknown, never zero tokens or zero cost.
        attributes[ATTR_AIOTEL_GEN_AI_USAGE_UNKNOWN] = true;
        instruments.usageUnknownCalls.add(1, metricAttributes.call);
      }
      if (errorType !== undefined) {
        attributes[ATTR_ERROR_TYPE] = errorType;
        if (failure !== undefined)
          recordFailure(span, failure.error, errorType, this.telemetry.redactor, this.apiKey);
        else span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
        instruments.duration.record(seconds, metricAttributes.failed(errorType));
      } else {
        instruments.duration.record(seconds, metricAttributes.call);
      }
      span.setAttributes(attributes);
    } catch (err) {
      this.internalError(err);
    } finally {
      span.end();
    }
  }

  private internalError(err: unknown): void {
    this.telemetry.diag.error('telemetry for an openai call failed (the call itself is unaffected)', err);
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

// The metric attribute sets of a call: shared with the calls like it unless it has business keys.
function callMetricAttributes(
  provider: CallProvider,
  operation: string,
  business: Attributes | undefined,
  common: Attributes,
): CallMetricAttributes {
  if (business !== undefined) return new CallMetricAttributes({ ...business, ...common });
  let byOperation = sharedMetricAttributes.get(provider);
  if (byOperation === undefined) {
    byOperation = new Map();
    sharedMetricAttributes.set(provider, byOperation);
  }
  let found = byOperation.get(operation);
  if (found === undefined) {
    found = new CallMetricAttributes({ ...common });
    byOperation.set(operation, found);
  }
  return found;
}
