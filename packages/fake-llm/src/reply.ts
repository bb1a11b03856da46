import type { OpenAIErrorBody } from './errors.js';

/** A JSON answer. */
export interface JsonReply {
  readonly kind: 'json';
  readonly status: number;
  /** The serialised body. */
  readonly body: string;
  /** Tokens generated, for the latency (`ttft + tokens × per-token`). */
  readonly generatedTokens: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
}

/** A server-sent event stream, as ready-made frames (`data: …\n\n`). */
export interface StreamReply {
  readonly kind: 'stream';
  readonly frames: readonly string[];
  /** Frames up to and including this index go out together after the time to first token. */
  readonly firstTokenFrame: number;
  /** Frames after the first token up to this index each wait the per-token time; later ones go out at once. */
  readonly lastTokenFrame: number;
  /** The frame an `sse-error-after` fault sends, in the format the SDK turns into an APIError. */
  readonly errorFrame: (sequenceNumber: number) => string;
  /** A frame that is not valid JSON, for the `malformed` fault. */
  readonly malformedFrame: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** An OpenAI-format error answer. */
export function errorReply(
  status: number,
  body: OpenAIErrorBody | object,
  headers?: Record<string, string>,
): JsonReply {
  return {
    kind: 'json',
    status,
    body: JSON.stringify(body),
    generatedTokens: 0,
    ...(headers ? { headers } : {}),
  };
}

/** What an endpoint answers. */
export type Reply = JsonReply | StreamReply;
