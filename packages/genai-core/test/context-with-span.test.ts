import {
  type Context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  type Span,
  trace,
} from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { contextWithSpan } from '../src/context-with-span.js';

const A = createContextKey('test a');
const B = createContextKey('test b');

function span(id: string): Span {
  return trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: id.padStart(16, '0'), traceFlags: 1 });
}

// A parent with a span of its own, baggage and a value: what an app's active context may hold.
function parentContext(): Context {
  const baggage = propagation.createBaggage({ tenant: { value: 'acme' } });
  return trace.setSpan(propagation.setBaggage(ROOT_CONTEXT.setValue(A, 'a'), baggage), span('1'));
}

// Every value either context holds, as a reader of the API sees it.
function seen(ctx: Context): unknown[] {
  return [
    trace.getSpan(ctx),
    propagation.getBaggage(ctx)?.getEntry('tenant')?.value,
    ctx.getValue(A),
    ctx.getValue(B),
  ];
}

describe('contextWithSpan', () => {
  it("holds what trace.setSpan would: the span, and the parent's values", () => {
    const parent = parentContext();
    const call = span('2');
    expect(seen(contextWithSpan(parent, call))).toEqual(seen(trace.setSpan(parent, call)));
    expect(trace.getSpan(contextWithSpan(parent, call))).toBe(call);
    expect(seen(contextWithSpan(parent, call))).toEqual([call, 'acme', 'a', undefined]);
  });

  it("derives contexts as trace.setSpan's context does, over any sequence of changes", () => {
    // A seeded sequence of derivations applied to both, compared after each step.
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const spans = [span('3'), span('4')];
    for (let run = 0; run < 20; run++) {
      const call = span('2');
      let ours = contextWithSpan(parentContext(), call);
      let theirs = trace.setSpan(parentContext(), call);
      for (let step = 0; step < 12; step++) {
        const op = next(5);
        const change = (ctx: Context): Context => {
          if (op === 0) return ctx.setValue(A, step);
          if (op === 1) return ctx.setValue(B, step);
          if (op === 2) return ctx.deleteValue(next(2) === 0 ? A : B);
          if (op === 3) return trace.setSpan(ctx, spans[step % 2] as Span);
          return trace.deleteSpan(ctx);
        };
        const saved = seed;
        ours = change(ours);
        seed = saved;
        theirs = change(theirs);
        expect(seen(ours)).toEqual(seen(theirs));
      }
    }
  });

  it('removes the span when asked, even where the parent had one', () => {
    const ctx = trace.deleteSpan(contextWithSpan(parentContext(), span('2')));
    expect(trace.getSpan(ctx)).toBeUndefined();
    expect(ctx.getValue(A)).toBe('a');
  });

  it("gives the parent's kind of context when derived from, so chains never grow", () => {
    const call = span('2');
    let ctx = contextWithSpan(ROOT_CONTEXT.setValue(A, 'a'), call);
    for (let i = 0; i < 1000; i++) ctx = ctx.setValue(B, i);
    expect(Object.getPrototypeOf(ctx)).toBe(Object.getPrototypeOf(ROOT_CONTEXT));
    expect(seen(ctx)).toEqual([call, undefined, 'a', 999]);
    expect(Object.getPrototypeOf(contextWithSpan(ROOT_CONTEXT, call).deleteValue(A))).toBe(
      Object.getPrototypeOf(ROOT_CONTEXT),
    );
  });
});
