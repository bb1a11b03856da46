import { contextWithSpan } from '@aiotel/genai-core';
import {
  type Context,
  context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
} from '@opentelemetry/api';
import { TracerProvider, type TracerProviderOptions } from '@opentelemetry/sdk-trace';

/**
 * The SDK tracer's self-metrics (`otel.sdk.span.started`, `otel.sdk.span.live`) without a meter provider: they
 * record nowhere, yet cost an attributes object and a closure per span. Stands in for the SDK 3.1 tracer's
 * `_tracerMetrics`.
 */
const NO_SPAN_METRICS = { startSpan: () => nothingToRecord };
function nothingToRecord(): void {}

/**
 * The preload's tracer provider: the SDK's, whose tracers set a span's start attributes on it right after it
 * starts instead of handing them to the SDK's `startSpan`, which cleans them twice (per attribute two `WeakSet`s,
 * and per span two entry arrays and copies). The exported span is the same: the preload's sampler (parent-based
 * always-on) and span processors (batch, simple) do not read attributes at the start. Without a `meterProvider`
 * option, its tracers skip the SDK's span self-metrics, which would record nowhere.
 */
export class PreloadTracerProvider extends TracerProvider {
  readonly #tracers = new Map<Tracer, Tracer>();
  readonly #spanMetrics: boolean;

  constructor(options: TracerProviderOptions = {}) {
    super(options);
    this.#spanMetrics = options.meterProvider !== undefined;
  }

  override getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const sdkTracer = super.getTracer(name, version, options);
    let tracer = this.#tracers.get(sdkTracer);
    if (!tracer) {
      if (!this.#spanMetrics && '_tracerMetrics' in sdkTracer) sdkTracer._tracerMetrics = NO_SPAN_METRICS;
      tracer = new AttributesAfterStart(sdkTracer);
      this.#tracers.set(sdkTracer, tracer);
    }
    return tracer;
  }
}

class AttributesAfterStart implements Tracer {
  readonly #tracer: Tracer;

  constructor(tracer: Tracer) {
    this.#tracer = tracer;
  }

  startSpan(name: string, options?: SpanOptions, parent?: Context): Span {
    const attributes = options?.attributes;
    if (attributes === undefined) return this.#tracer.startSpan(name, options, parent);
    const span = this.#tracer.startSpan(name, { ...options, attributes: undefined }, parent);
    span.setAttributes(attributes);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    parent: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    // The SDK's reading of the arguments: the function comes last, after the options and the parent context.
    if (args.length === 0) return undefined as ReturnType<F>;
    const fn = args[Math.min(args.length, 3) - 1] as (span: Span) => ReturnType<F>;
    const options = args.length > 1 ? (args[0] as SpanOptions | undefined) : undefined;
    const parent = (args.length > 2 ? (args[1] as Context | undefined) : undefined) ?? context.active();
    const span = this.startSpan(name, options, parent);
    return context.with(contextWithSpan(parent, span), fn, undefined, span);
  }
}
