import { usageFromOpenAI } from '@aiotel/cost';
import { contextWithSpan } from '@aiotel/genai-core';
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
} from '@opentelemetry/api';
import { businessAttributesOf, metricBusinessAttributes } from './attribution.js';
import { recordCallCost } from './call-cost.js';
import { ChunkTiming } from './chunk-timing.js';
import { contentAttribute } from './content.js';
import { errorType, recordFailure } from './errors.js';
import type { CallMetricAttributes } from './metric-attributes.js';
import {
  ATTR_AIOTEL_GEN_AI_USAGE_UNKNOWN,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ERROR_TYPE_OTHER,
} from './semconv.js';
import type { ServerAttributes } from './server.js';
import { businessCallMetricAttributes, sharedCallAttributes } from './shared-call-attributes.js';
import type { ResponseSummary } from './summary.js';
import type { Telemetry } from './telemetry.js';
import { recordTokens, usageAttributes } from './tokens.js';

/** What a recorded call is, known when it starts. */
export interface RecordedCallStart {
  /** `gen_ai.operation.name`, e.g. `chat`. */
  readonly operation: string;
  /** `gen_ai.provider.name`, e.g. `anthropic`. */
  readonly providerName: string;
  /** The provider id the price table knows (`anthropic`), or undefined to let the pricer infer it. */
  readonly pricingProvider: string | undefined;
  readonly requestModel: string;
  /** `server.address` / `server.port` of the client's base URL (`serverAttributes(client.baseURL)`). */
  readonly server: ServerAttributes;
  /** The client's API key, removed from recorded exception messages. */
  readonly apiKey: string | undefined;
  /** The SDK's name for diag messages, e.g. `@anthropic-ai/sdk`. */
  readonly sdk: string;
  /** Whether the operation produces output tokens (embeddings do not: no output token attribute or metric). */
  readonly hasOutput: boolean;
  /** Adds the request attributes (and captured input content) of the call's parameters. */
  readonly describeRequest: (attributes: Attributes) => void;
}

/** What a call's stream reader tells the recorder: the response model at the first chunk, the summary at the end. */
export interface StreamSummaryReader {
  readonly responseModel: string | undefined;
  summary(): ResponseSummary;
}

/**
 * One GenAI call of any SDK, recorded by the rules every aiotel instrumentation shares: the span `{operation}
 * {model}` (kind CLIENT) started with operation, provider, request model, server and `withAttributes()` business
 * attributes (what samplers see), the request attributes right after, then
 * response id/model/finish reasons, usage (`usageFromOpenAI`, which reads OpenAI and Anthropic shapes), cost,
 * `error.type`, captured output, and the metrics (duration, tokens, cost, time to first chunk, time per chunk). A
 * call answered without usage is marked `aiotel.gen_ai.usage.unknown` and counted, never recorded as zero tokens.
 * Ends exactly once; later signals are ignored. The SDK's own patcher says what the request and response mean.
 */
export class GenAICallRecorder {
  /** The context to run the SDK call in (the span is active there). */
  readonly context: Context;
  private readonly span: Span;
  private readonly startedAt = performance.now();
  private readonly metricAttributes: CallMetricAttributes;
  private ended = false;
  private answered = false;
  // Created at the first output chunk: calls that are not streamed never pay for it.
  private chunks: ChunkTiming | undefined;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly start: RecordedCallStart,
  ) {
    // One look at the active context (each goes through the API's global registry): the parent and its attributes.
    const parent = context.active();
    const business = businessAttributesOf(parent);
    const metricBusiness = metricBusinessAttributes(business, telemetry.settings.metricAttributes);
    const shared = sharedCallAttributes(start.server.attributes, start);
    this.metricAttributes =
      metricBusiness === undefined ? shared.metrics : businessCallMetricAttributes(shared, metricBusiness);
    const attributes = business === undefined ? shared.attributes : { ...business, ...shared.attributes };
    // Only what samplers may look at goes to startSpan (the SDK cleans those twice); the request attributes follow.
    const span = telemetry.tracer.startSpan(shared.spanName, { kind: SpanKind.CLIENT, attributes }, parent);
    this.span = span;
    if (span.isRecording()) {
      const request: Attributes = {};
      start.describeRequest(request);
      span.setAttributes(request);
    }
    this.context = contextWithSpan(parent, this.span);
  }

  /** Whether the call has ended (its span is closed). */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * The SDK returned its result (a body or a stream): true the first time, before the call ended. Only the first
   * result counts (a helper's derived promise may report the same response again).
   */
  firstResult(): boolean {
    if (this.ended || this.answered) return false;
    this.answered = true;
    return true;
  }

  /** An output chunk arrived: time to first chunk (with the reader's response model), then the gaps. */
  timeChunk(reader: StreamSummaryReader): void {
    if (this.ended) return;
    const now = performance.now();
    if (this.chunks !== undefined) {
      this.chunks.next(now);
      return;
    }
    this.chunks = new ChunkTiming(this.telemetry.instruments, this.startedAt);
    this.chunks.first(now, this.metricAttributes.forResponseModel(reader.responseModel).call);
  }

  /** The stream ended: normally, or (`aborted`) because the caller aborted its request. */
  streamEnded(aborted: boolean, reader: StreamSummaryReader | undefined): void {
    if (this.ended) return;
    if (aborted) {
      // Named like the error the SDK throws for an aborted non-streamed call.
      const error = Object.assign(new Error('Request was aborted.'), { name: 'APIUserAbortError' });
      this.finish(this.summaryOf(reader), { type: 'APIUserAbortError', error });
    } else {
      this.finish(this.summaryOf(reader));
    }
  }

  /** The caller stopped reading early (`break`, `return()`, closing both tee branches). */
  streamClosed(reader: StreamSummaryReader | undefined): void {
    if (!this.ended) this.finish(this.summaryOf(reader));
  }

  /**
   * The call failed with `err` (thrown, rejected, or an error in its stream, whose `reader` says what came before).
   * Returns the `error.type` recorded, or undefined when the call had already ended.
   */
  fail(err: unknown, reader?: StreamSummaryReader): string | undefined {
    if (this.ended) return undefined;
    let type: string;
    try {
      type = errorType(err);
    } catch {
      type = ERROR_TYPE_OTHER;
    }
    this.finish(this.summaryOf(reader), { type, error: err });
    return type;
  }

  /** The caller took the raw `Response` (`asResponse()`): the body is theirs, the call ends here. */
  rawResponseTaken(): void {
    this.finish({});
  }

  /** End the call with what the response said (`summary.failure` marks a failure the response reported). */
  finish(summary: ResponseSummary, failure?: { type: string; error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.span;
    try {
      this.chunks?.flush();
      const seconds = (performance.now() - this.startedAt) / 1000;
      const { instruments, settings } = this.telemetry;
      const { hasOutput } = this.start;
      // Straight onto the span (no attributes object to build and walk); nothing to read for an unsampled one.
      const into = span.isRecording() ? span : undefined;
      if (into !== undefined) {
        if (summary.id !== undefined) into.setAttribute(ATTR_GEN_AI_RESPONSE_ID, summary.id);
        if (summary.model !== undefined) into.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, summary.model);
        if (summary.finishReasons !== undefined)
          into.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, summary.finishReasons);
        const timeToFirstChunk = this.chunks?.timeToFirstChunk();
        if (timeToFirstChunk !== undefined)
          into.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, timeToFirstChunk);
      }
      const usage = summary.usage != null ? usageFromOpenAI(summary.usage) : undefined;
      if (usage !== undefined && into !== undefined) usageAttributes(usage, hasOutput, into);
      if (into !== undefined && settings.captureMessageContent && summary.outputMessages !== undefined) {
        into.setAttribute(
          ATTR_GEN_AI_OUTPUT_MESSAGES,
          contentAttribute(summary.outputMessages, settings.contentMaxLength),
        );
      }
      const metricAttributes = this.metricAttributes.forResponseModel(summary.model);
      const errorType = failure?.type ?? summary.failure;
      if (usage !== undefined) {
        recordTokens(instruments, usage, hasOutput, metricAttributes);
        recordCallCost(
          this.telemetry.costing,
          instruments,
          summary,
          usage,
          this.start.requestModel,
          this.start.pricingProvider,
          metricAttributes.call,
          into,
          this,
        );
      } else if (this.answered && errorType === undefined) {
        // Answered, but the server said nothing about usage: unknown, never zero tokens or zero cost.
        into?.setAttribute(ATTR_AIOTEL_GEN_AI_USAGE_UNKNOWN, true);
        instruments.usageUnknownCalls.add(1, metricAttributes.call);
      }
      if (errorType !== undefined) {
        span.setAttribute(ATTR_ERROR_TYPE, errorType);
        if (failure !== undefined)
          recordFailure(span, failure.error, errorType, this.telemetry.redactor, this.start.apiKey);
        else span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
        instruments.duration.record(seconds, metricAttributes.failed(errorType));
      } else {
        instruments.duration.record(seconds, metricAttributes.call);
      }
    } catch (err) {
      this.internalError(err);
    } finally {
      span.end();
    }
  }

  /** Telemetry itself failed: say so through diag; the call is unaffected. */
  internalError(err: unknown): void {
    this.telemetry.diag.error(
      `telemetry for an ${this.start.sdk} call failed (the call itself is unaffected)`,
      err,
    );
  }

  // What the stream's chunks said so far (nothing without a reader); never throws, so the call still ends.
  private summaryOf(reader: StreamSummaryReader | undefined): ResponseSummary {
    if (reader === undefined) return {};
    try {
      return reader.summary();
    } catch (err) {
      this.internalError(err);
      return {};
    }
  }
}
