import { usageFromOpenAI } from '@aiotel/cost';
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { currentBusinessAttributes, metricBusinessAttributes } from './attribution.js';
import type { Telemetry } from './call.js';
import { recordCallCost } from './call-cost.js';
import { ChunkTiming } from './chunk-timing.js';
import { contentAttribute } from './content.js';
import { errorType, recordFailure } from './errors.js';
import { CallMetricAttributes } from './metric-attributes.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ERROR_TYPE_OTHER,
} from './semconv.js';
import { serverAttributes } from './server.js';
import type { ResponseSummary } from './summary.js';
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
  /** The client's base URL, for `server.address` / `server.port`. */
  readonly baseUrl: unknown;
  /** The client's API key, removed from recorded exception messages. */
  readonly apiKey: string | undefined;
  /** The SDK's name for diag messages, e.g. `@anthropic-ai/sdk`. */
  readonly sdk: string;
  /** Adds the request attributes (and captured input content) of the call's parameters. */
  readonly describeRequest: (attributes: Attributes) => void;
}

// Calls without business keys share their metric attribute objects per (server, provider, operation, model).
const sharedMetricAttributes = new WeakMap<object, Map<string, CallMetricAttributes>>();
const MAX_SHARED_PER_SERVER = 256;

/**
 * One GenAI call of any SDK, recorded by the rules every aiotel instrumentation shares: the span `{operation}
 * {model}` (kind CLIENT) with the request attributes at its start and `withAttributes()` business attributes, then
 * response id/model/finish reasons, usage (`usageFromOpenAI`, which reads OpenAI and Anthropic shapes), cost,
 * `error.type`, captured output, and the metrics (duration, tokens, cost, time to first chunk, time per chunk).
 * Ends exactly once; later signals are ignored. The SDK's own patcher says what the request and response mean.
 */
export class GenAICallRecorder {
  /** The context to run the SDK call in (the span is active there). */
  readonly context: Context;
  private readonly span: Span;
  private readonly startedAt = performance.now();
  private readonly metricAttributes: CallMetricAttributes;
  private ended = false;
  private readonly chunks: ChunkTiming;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly start: RecordedCallStart,
  ) {
    const server = serverAttributes(start.baseUrl);
    const business = currentBusinessAttributes();
    const common: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: start.operation,
      [ATTR_GEN_AI_PROVIDER_NAME]: start.providerName,
      [ATTR_GEN_AI_REQUEST_MODEL]: start.requestModel,
      ...server.attributes,
    };
    const metricBusiness = metricBusinessAttributes(business, telemetry.settings.metricAttributes);
    this.metricAttributes =
      metricBusiness !== undefined
        ? new CallMetricAttributes({ ...metricBusiness, ...common })
        : sharedAttributes(server, common, start);
    const attributes: Attributes = { ...business, ...common };
    start.describeRequest(attributes);
    const parent = context.active();
    this.span = telemetry.tracer.startSpan(
      start.requestModel ? `${start.operation} ${start.requestModel}` : start.operation,
      { kind: SpanKind.CLIENT, attributes },
      parent,
    );
    this.context = trace.setSpan(parent, this.span);
    this.chunks = new ChunkTiming(telemetry.instruments, this.startedAt);
  }

  /** Whether the call has ended (its span is closed). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** An output chunk arrived: time to first chunk, then the gaps between chunks. */
  timeChunk(responseModel: string | undefined): void {
    if (this.ended) return;
    const now = performance.now();
    if (this.chunks.started) this.chunks.next(now);
    else this.chunks.first(now, this.metricAttributes.forResponseModel(responseModel).call);
  }

  /** The call failed with `err` (thrown, rejected, or an error event in its stream). */
  fail(err: unknown, summary: ResponseSummary = {}): void {
    if (this.ended) return;
    let type: string;
    try {
      type = errorType(err);
    } catch {
      type = ERROR_TYPE_OTHER;
    }
    this.finish(summary, { type, error: err });
  }

  /** End the call with what the response said (`summary.failure` marks a failure the response reported). */
  finish(summary: ResponseSummary, failure?: { type: string; error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.span;
    try {
      this.chunks.flush();
      const seconds = (performance.now() - this.startedAt) / 1000;
      const { instruments, settings } = this.telemetry;
      const attributes: Attributes = {};
      if (summary.id !== undefined) attributes[ATTR_GEN_AI_RESPONSE_ID] = summary.id;
      if (summary.model !== undefined) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = summary.model;
      if (summary.finishReasons !== undefined)
        attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = summary.finishReasons;
      const timeToFirstChunk = this.chunks.timeToFirstChunk();
      if (timeToFirstChunk !== undefined)
        attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = timeToFirstChunk;
      const usage = summary.usage != null ? usageFromOpenAI(summary.usage) : undefined;
      if (usage !== undefined) usageAttributes(usage, true, attributes);
      if (settings.captureMessageContent && summary.outputMessages !== undefined) {
        attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] = contentAttribute(
          summary.outputMessages,
          settings.contentMaxLength,
        );
      }
      const metricAttributes = this.metricAttributes.forResponseModel(summary.model);
      if (usage !== undefined) {
        recordTokens(instruments, usage, true, metricAttributes);
        recordCallCost(
          this.telemetry.costing,
          instruments,
          { summary, usage, requestModel: this.start.requestModel, provider: this.start.pricingProvider },
          metricAttributes.call,
          attributes,
          (err) => this.internalError(err),
        );
      }
      const errorType = failure?.type ?? summary.failure;
      if (errorType !== undefined) {
        attributes[ATTR_ERROR_TYPE] = errorType;
        if (failure !== undefined)
          recordFailure(span, failure.error, errorType, this.telemetry.redactor, this.start.apiKey);
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

  /** Telemetry itself failed: say so once through diag; the call is unaffected. */
  internalError(err: unknown): void {
    this.telemetry.diag.error(
      `telemetry for a ${this.start.sdk} call failed (the call itself is unaffected)`,
      err,
    );
  }
}

// Shared per server (a frozen object cached per base URL) and per provider, operation and model.
function sharedAttributes(
  server: { readonly attributes: Attributes },
  common: Attributes,
  start: RecordedCallStart,
): CallMetricAttributes {
  let byKey = sharedMetricAttributes.get(server.attributes);
  if (byKey === undefined) {
    byKey = new Map();
    sharedMetricAttributes.set(server.attributes, byKey);
  }
  const key = `${start.providerName}\u0000${start.operation}\u0000${start.requestModel}`;
  let found = byKey.get(key);
  if (found === undefined) {
    if (byKey.size >= MAX_SHARED_PER_SERVER) byKey.clear();
    found = new CallMetricAttributes({ ...common });
    byKey.set(key, found);
  }
  return found;
}
