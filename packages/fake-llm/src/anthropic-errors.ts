import { OVERLOADED_BODY } from './errors.js';
import { errorReply, type JsonReply } from './reply.js';

/** The body of an Anthropic API error, `{"type":"error","error":{"type","message"}}`. */
export interface AnthropicErrorBody {
  readonly type: 'error';
  readonly error: { readonly type: string; readonly message: string };
}

/** An Anthropic-format error body. */
export function anthropicErrorBody(type: string, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message } };
}

/** An Anthropic-format error answer (400 `invalid_request_error` unless said otherwise). */
export function anthropicError(message: string, status = 400, type = 'invalid_request_error'): JsonReply {
  return errorReply(status, anthropicErrorBody(type, message));
}

/** The error type and message the Messages API answers `status` with. */
export function anthropicErrorForStatus(status: number): AnthropicErrorBody {
  switch (status) {
    case 400:
      return anthropicErrorBody('invalid_request_error', 'Invalid request (fake-llm injected fault).');
    case 401:
      return anthropicErrorBody('authentication_error', 'invalid x-api-key');
    case 403:
      return anthropicErrorBody(
        'permission_error',
        'Your API key does not have permission to use the specified resource.',
      );
    case 404:
      return anthropicErrorBody('not_found_error', 'The requested resource could not be found.');
    case 413:
      return anthropicErrorBody('request_too_large', 'Request exceeds the maximum allowed number of bytes.');
    case 429:
      return anthropicErrorBody(
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
      );
    case 529:
      return OVERLOADED_BODY;
    default:
      return status >= 500
        ? anthropicErrorBody('api_error', 'Internal server error')
        : anthropicErrorBody('invalid_request_error', `Request error ${status} (fake-llm injected fault).`);
  }
}

/** The mid-stream `error` event the API sends when it overloads after the stream began. */
export const OVERLOADED_EVENT = `event: error\ndata: ${JSON.stringify(OVERLOADED_BODY)}\n\n`;

/** An injected status fault on the Messages API: its error body, and a spent window for 429. */
export function anthropicFaultReply(status: number): JsonReply {
  const headers = status === 429 ? { 'anthropic-ratelimit-requests-remaining': '0' } : undefined;
  return errorReply(status, anthropicErrorForStatus(status), headers);
}
