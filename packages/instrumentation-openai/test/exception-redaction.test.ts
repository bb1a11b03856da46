// The exception event and status of a failed call go through the shared rule set of @aiotel/genai-core, with the
// same corpus as the preload's export path.
import { REDACTED, Redactor } from '@aiotel/genai-core';
import type { Exception, Span, SpanStatus } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  expectScrubbed,
  OPAQUE_KEY,
  OPAQUE_KEY_TEXT,
  SECRET_TEXTS,
} from '../../genai-core/test/secrets-corpus.js';
import { recordFailure } from '../src/errors.js';

/** What recordFailure wrote on a span. */
function failOn(
  error: unknown,
  redactor: Redactor,
  apiKey?: string,
): { exception: Exception; status: SpanStatus } {
  const written: { exception?: Exception; status?: SpanStatus } = {};
  const span = {
    recordException: (exception: Exception) => {
      written.exception = exception;
    },
    setStatus: (status: SpanStatus) => {
      written.status = status;
    },
  } as unknown as Span;
  recordFailure(span, error, '401', redactor, apiKey);
  if (!written.exception || !written.status) throw new Error('recordFailure wrote no exception or status');
  return { exception: written.exception, status: written.status };
}

describe('exception events of failed calls', () => {
  it.each(SECRET_TEXTS.map((entry) => [entry.what, entry] as const))(
    'scrub %s from the message, the stack and the status',
    (_what, entry) => {
      const error = new Error(entry.text);
      const { exception, status } = failOn(error, new Redactor());
      const recorded = exception as { message: string; stack: string };
      expectScrubbed(recorded.message, entry);
      expectScrubbed(recorded.stack, entry);
      expectScrubbed(String(status.message), entry);
    },
  );

  it("scrub the client's own API key whatever its shape, with the marker every package uses", () => {
    const redactor = new Redactor();
    const { exception } = failOn(new Error(OPAQUE_KEY_TEXT.text), redactor, OPAQUE_KEY);
    expect((exception as { message: string }).message).toBe(
      `relay refused credential ${REDACTED} (quota exceeded)`,
    );
    // Remembered: a later failure without the client at hand is scrubbed too.
    expectScrubbed(
      (failOn(new Error(OPAQUE_KEY_TEXT.text), redactor).exception as { message: string }).message,
      OPAQUE_KEY_TEXT,
    );
  });
});
