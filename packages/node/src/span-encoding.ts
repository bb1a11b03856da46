import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ByteWriter } from './byte-writer.js';

/** What the span encoders (`span-protobuf.ts`, `span-json.ts`) share: types, cache sizes, OTLP's span flags. */

export type Resource = ReadableSpan['resource'];
// Scope attributes are not in core 3.1's type yet, but upstream encodes them when a scope has them.
export type Scope = ReadableSpan['instrumentationScope'] & {
  readonly attributes?: Attributes;
  readonly droppedAttributesCount?: number;
};

/** Attribute keys kept (they repeat on every span); the cache is emptied when it fills. */
const KEY_CACHE_SIZE = 1024;
/** Longer keys are encoded each time. */
const KEY_CACHE_MAX_LENGTH = 128;
/** The reused buffer is kept up to this size (a batch of 512 GenAI spans takes about 350 KiB in protobuf, 700 in JSON). */
export const KEEP_BUFFER_BYTES = 4 * 1024 * 1024;
/** Span flags bits set beside the W3C trace flags (OTLP's SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE / _IS_REMOTE). */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** An attribute key's encoding, and the last value seen under it with, once repeated, its whole KeyValue. */
export interface KnownKey {
  readonly key: Uint8Array;
  value: unknown;
  /** The KeyValue of `value`, kept once `value` came twice in a row. */
  keyValue: Uint8Array | undefined;
}

/** Attribute keys' encodings, made on first sight by `encode`; none for very long keys. */
export class KeyCache {
  readonly #keys = new Map<string, KnownKey>();
  readonly #encode: (key: string) => Uint8Array;

  constructor(encode: (key: string) => Uint8Array) {
    this.#encode = encode;
  }

  get(key: string): KnownKey | undefined {
    // Inlined into the encoders' attribute loops: a kept key costs the lookup alone; a key's first sight, rare once
    // the keys are known, is a method of its own.
    return this.#keys.get(key) ?? this.#add(key);
  }

  /** A key not kept: kept from now on, unless it is too long to be worth it. */
  #add(key: string): KnownKey | undefined {
    if (key.length > KEY_CACHE_MAX_LENGTH) return undefined;
    if (this.#keys.size >= KEY_CACHE_SIZE) this.#keys.clear();
    const known = { key: this.#encode(key), value: undefined, keyValue: undefined };
    this.#keys.set(key, known);
    return known;
  }
}

/**
 * After the KeyValue of `value` under a known key was written from `from`: its bytes are kept when the value came
 * twice in a row (and is short), else the value is remembered for the next span.
 */
export function remember(known: KnownKey, value: unknown, writer: ByteWriter, from: number): void {
  if (known.value === value && repeatable(value)) {
    known.keyValue = writer.copy(from);
  } else {
    known.value = value;
    known.keyValue = undefined;
  }
}

/** Values whose KeyValue is kept when they repeat: primitives (compared by value), strings only when short. */
function repeatable(value: unknown): boolean {
  const type = typeof value;
  return type === 'number' || type === 'boolean' || (type === 'string' && (value as string).length <= 64);
}

/** Writes the bytes encoded earlier for this object (a resource, a scope), if any. */
export function replay<K extends object>(writer: ByteWriter, cache: WeakMap<K, Uint8Array>, key: K): boolean {
  const cached = cache.get(key);
  if (cached) writer.raw(cached);
  return cached !== undefined;
}

/** OTLP span flags: the W3C trace flags plus "is-remote is known" and, for a remote parent or link, "is remote". */
export function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  let flags = (traceFlags & 0xff) | HAS_IS_REMOTE;
  if (isRemote) flags |= IS_REMOTE;
  return flags;
}
