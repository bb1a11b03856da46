import { type Attributes, type Context, context, createContextKey, diag } from '@opentelemetry/api';

/** A business attribute value, e.g. `'search'` for `app.feature`. */
export type BusinessAttributeValue = string | number | boolean;

/** Business attributes for cost attribution, e.g. `{ 'app.feature': 'search', 'app.tenant': 'acme' }`. */
export type BusinessAttributes = Readonly<Record<string, BusinessAttributeValue>>;

const BUSINESS_ATTRIBUTES = createContextKey('@aiotel/instrumentation-openai business attributes');

/** Longest business attribute value that reaches a metric; longer values are cut. */
export const METRIC_ATTRIBUTE_MAX_LENGTH = 64;

/**
 * Runs `fn` with business attributes in the active OpenTelemetry context. GenAI spans started inside
 * (also in callbacks and awaits of `fn`) carry them; keys listed in the `metricAttributes` option also
 * reach the metrics. Nested calls add to the outer attributes, inner values win. Returns what `fn`
 * returns. Invalid entries (not string, number or boolean) are dropped with a diag warning.
 */
export function withAttributes<T>(attributes: BusinessAttributes, fn: () => T): T {
  let next: Attributes | undefined;
  try {
    next = { ...currentBusinessAttributes() };
    for (const [key, value] of Object.entries(attributes ?? {})) {
      if (typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value)) {
        next[key] = value;
      } else {
        diag.warn(
          `@aiotel/instrumentation-openai: withAttributes ignores ${key}: not a string, number or boolean`,
        );
      }
    }
  } catch (err) {
    diag.error('@aiotel/instrumentation-openai: withAttributes failed; running without attributes', err);
    return fn();
  }
  return context.with(context.active().setValue(BUSINESS_ATTRIBUTES, Object.freeze(next)), fn);
}

/** The business attributes of the active context (empty when none were set). */
export function currentBusinessAttributes(): Attributes | undefined {
  return businessAttributesOf(context.active());
}

/** The business attributes of `ctx` (empty when none were set). */
export function businessAttributesOf(ctx: Context): Attributes | undefined {
  return ctx.getValue(BUSINESS_ATTRIBUTES) as Attributes | undefined;
}

/**
 * The subset of `attributes` allowed on metrics, string values cut to
 * {@link METRIC_ATTRIBUTE_MAX_LENGTH} characters, so metric cardinality stays bounded.
 */
export function metricBusinessAttributes(
  attributes: Attributes | undefined,
  allowed: ReadonlySet<string>,
): Attributes | undefined {
  if (attributes === undefined || allowed.size === 0) return undefined;
  let picked: Attributes | undefined;
  for (const key of allowed) {
    const value = attributes[key];
    if (value === undefined) continue;
    picked ??= {};
    picked[key] =
      typeof value === 'string' && value.length > METRIC_ATTRIBUTE_MAX_LENGTH
        ? value.slice(0, METRIC_ATTRIBUTE_MAX_LENGTH)
        : value;
  }
  return picked;
}
