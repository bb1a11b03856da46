import { diag } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';

/** The fields of SDK 3.1's span (`SpanImpl`, not exported) that its `setAttribute` reads and writes. */
interface SdkSpan {
  attributes: Record<string, unknown>;
  _attributesCount: number;
  _ended: boolean;
  _spanLimits: { attributeCountLimit?: number; attributeValueLengthLimit?: number };
  setAttribute(key: unknown, value: unknown): SdkSpan;
}

const INSTALLED = Symbol.for('@aiotel/node.fastSpanAttributes');

/**
 * Sets a string, number or boolean attribute, or an array of them, on an SDK span without the SDK's generic checks,
 * which build an options object and a `WeakSet` per value (`maybeAddAttribute` → `isAnyValue` in
 * `@opentelemetry/core` 3.x) and, for an array, a closure per item (`copyAndTruncAnyValue`), for values that need
 * none of it: about 25 attributes per call (GenAI and HTTP spans), one of them an array (`gen_ai.response.finish_reasons`).
 * An array is stored as a copy, as the SDK stores it. Everything else (an ended span, an empty key, a full span, a
 * string over the length limit, in an array too, an array holding anything else or a hole, objects, `undefined`) goes
 * to the SDK's own method, so every attribute, drop, truncation and warning stays the SDK's. Installed on the span
 * class of the SDK copy the preload uses; returns false, changing nothing, when that class is not shaped as 3.1's.
 */
export function useFastSpanAttributes(resource: Resource): boolean {
  const probe = new TracerProvider({ resource })
    .getTracer('@aiotel/node')
    .startSpan('probe') as unknown as SdkSpan;
  const prototype = Object.getPrototypeOf(probe) as SdkSpan & { [INSTALLED]?: true };
  if (prototype[INSTALLED]) return true;
  if (!isSdkSpan(probe, prototype)) {
    diag.debug(
      'the SDK span is not shaped as in @opentelemetry/sdk-trace 3.1: span attributes take its own path.',
    );
    return false;
  }
  const sdkSetAttribute = prototype.setAttribute;
  prototype.setAttribute = function setAttribute(this: SdkSpan, key: unknown, value: unknown): SdkSpan {
    const limit = this._spanLimits.attributeValueLengthLimit as number;
    const stored = Array.isArray(value) ? copyOfPlainArray(value, limit) : plainValue(value, limit);
    if (
      stored !== undefined &&
      typeof key === 'string' &&
      key.length > 0 &&
      !this._ended &&
      // A limit of 0 or less is warned about and ignored by the SDK.
      limit > 0
    ) {
      const attributes = this.attributes;
      if (Object.hasOwn(attributes, key)) {
        attributes[key] = stored;
        return this;
      }
      if (this._attributesCount < (this._spanLimits.attributeCountLimit as number)) {
        attributes[key] = stored;
        this._attributesCount++;
        return this;
      }
    }
    return sdkSetAttribute.call(this, key, value);
  };
  prototype[INSTALLED] = true;
  return true;
}

/** A string within the length limit, a number or a boolean, as the SDK stores it; `undefined` for anything else. */
function plainValue(value: unknown, limit: number): unknown {
  const type = typeof value;
  if (type === 'string') return (value as string).length <= limit ? value : undefined;
  return type === 'number' || type === 'boolean' ? value : undefined;
}

/**
 * A copy of an array whose every item is a {@link plainValue}, as the SDK stores it (`map` of the items, which are
 * kept as they are); `undefined` for any other array (a hole reads as `undefined`), which the SDK then handles.
 */
function copyOfPlainArray(values: readonly unknown[], limit: number): unknown[] | undefined {
  for (let i = 0; i < values.length; i++) {
    if (plainValue(values[i], limit) === undefined) return undefined;
  }
  return values.slice();
}

function isSdkSpan(probe: SdkSpan, prototype: SdkSpan): boolean {
  return (
    typeof prototype.setAttribute === 'function' &&
    typeof probe.attributes === 'object' &&
    probe.attributes !== null &&
    typeof probe._attributesCount === 'number' &&
    probe._ended === false &&
    typeof probe._spanLimits === 'object' &&
    typeof probe._spanLimits.attributeCountLimit === 'number' &&
    typeof probe._spanLimits.attributeValueLengthLimit === 'number'
  );
}
