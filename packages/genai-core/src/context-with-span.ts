import { type Context, INVALID_SPAN_CONTEXT, type Span, trace } from '@opentelemetry/api';

/**
 * The key `trace.setSpan` stores a span under, read from the API itself: `setSpan` is called once on a context that
 * only notes the key it is given. Undefined if this API stores spans some other way (then `trace.setSpan` is used).
 */
const SPAN_KEY: symbol | undefined = (() => {
  let seen: symbol | undefined;
  const probe: Context = {
    getValue: () => undefined,
    setValue(key) {
      seen = key;
      return probe;
    },
    deleteValue: () => probe,
  };
  try {
    trace.setSpan(probe, trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  } catch {
    return undefined;
  }
  return seen;
})();

/**
 * `trace.setSpan(parent, span)` for a context made on every call: the same values (the parent's, and `span` as the
 * active span), in two fields and prototype methods. The API's context copies its parent's `Map` and gives the copy
 * three closures as properties; V8 then keeps such an object alive through young-generation collections (its field
 * type tracking), so each call's context and what it holds were copied into the old generation, which only a major
 * GC frees (bench/journal.md). Deriving from this context (`setValue`, `deleteValue`) gives the parent's kind of
 * context with the span set again, so chains of these never grow.
 */
export function contextWithSpan(parent: Context, span: Span): Context {
  return SPAN_KEY === undefined ? trace.setSpan(parent, span) : new ContextWithSpan(parent, span);
}

// Made only when SPAN_KEY is known.
class ContextWithSpan implements Context {
  constructor(
    private readonly parent: Context,
    private readonly span: Span,
  ) {}

  getValue(key: symbol): unknown {
    return key === SPAN_KEY ? this.span : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.withSpan(key, this.parent.setValue(key, value));
  }

  deleteValue(key: symbol): Context {
    return this.withSpan(key, this.parent.deleteValue(key));
  }

  // The parent's derived context, with this span set again unless the change was to the span itself.
  private withSpan(changed: symbol, derived: Context): Context {
    return changed === SPAN_KEY ? derived : derived.setValue(SPAN_KEY as symbol, this.span);
  }
}
