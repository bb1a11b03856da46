import type { Classification } from './classify.js';

/** A Messages stream up to its first content: what was read, and how it failed if an `error` event came first. */
export interface MessagesOpening {
  /** The bytes read so far, to hand over as the stream's first chunk. */
  readonly head: Uint8Array;
  /** The same bytes as text (the body of the replayed response when the opening failed). */
  readonly text: string;
  /** An `error` event arrived before any content: the attempt failed, nothing of the answer was produced. */
  readonly failure: Classification | undefined;
}

/** Error event types of a Messages stream that the provider's own retry advice treats as transient. */
const TRANSIENT_ERRORS = new Set(['overloaded_error', 'api_error', 'rate_limit_error']);
/** Where the opening ends: the first content, an error event, or the end of the message. */
const OPENING_END =
  /event: ?(content_block_delta|error|message_stop)\b|"type": ?"(content_block_delta|error|message_stop)"/;
const ERROR_TYPE = /"type": ?"error"\s*,\s*"error": ?\{[^}]*?"type": ?"([a-z_]{1,64})"/;
/** More than this before any content is not an opening any more: hand it over and stop looking. */
const MAX_OPENING_CHARS = 64 * 1024;

/**
 * Reads a Messages (Anthropic) stream until its first `content_block_delta`, an `error` event or its end, so that an
 * `overloaded_error` sent before any content fails the attempt (and is retried) instead of reaching the caller.
 * `message_start`, `content_block_start` and `ping` carry no answer yet: holding them back loses nothing.
 */
export async function readMessagesOpening(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array,
): Promise<MessagesOpening> {
  const decoder = new TextDecoder();
  const chunks = [first];
  let text = decoder.decode(first, { stream: true });
  let found = OPENING_END.exec(text);
  while (!found && text.length < MAX_OPENING_CHARS) {
    const next = await reader.read();
    if (next.done) break;
    chunks.push(next.value);
    text += decoder.decode(next.value, { stream: true });
    found = OPENING_END.exec(text);
  }
  const head = chunks.length === 1 ? first : Buffer.concat(chunks);
  const isError = found !== null && (found[1] ?? found[2]) === 'error';
  return { head, text, failure: isError ? streamErrorClassification(text) : undefined };
}

/** An `error` event before content: transient types are retried and count as provider faults. */
function streamErrorClassification(text: string): Classification {
  const type = ERROR_TYPE.exec(text)?.[1] ?? 'stream_error';
  const transient = TRANSIENT_ERRORS.has(type);
  return {
    retryable: transient,
    providerFault: transient,
    overloaded: type === 'overloaded_error' || type === 'rate_limit_error',
    reason: type,
  };
}
