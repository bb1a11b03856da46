import { chatCompletions } from './chat.js';
import { embeddings } from './embeddings.js';
import { errorBodyForStatus, INVALID_JSON_BODY, invalidUrlBody } from './errors.js';
import { messages } from './messages.js';
import { LISTED_MODELS, MODEL_CREATED } from './models.js';
import { errorReply, type JsonReply, type Reply } from './reply.js';
import type { EndpointContext, RequestBody } from './request-fields.js';
import { responses } from './responses.js';

const MODEL_LIST = JSON.stringify({
  object: 'list',
  data: LISTED_MODELS.map((id) => ({ id, object: 'model', created: MODEL_CREATED, owned_by: 'system' })),
});

const GENERATING: Readonly<Record<string, (body: RequestBody, context: EndpointContext) => Reply>> = {
  '/v1/chat/completions': chatCompletions,
  '/v1/responses': responses,
  '/v1/embeddings': embeddings,
  '/v1/messages': messages,
};

function json(body: string): JsonReply {
  return { kind: 'json', status: 200, body, generatedTokens: 0 };
}

/** What a request is answered with, and whether the answer waits for the model's latency. */
export interface Routed {
  readonly reply: Reply;
  /** True for generating endpoints that succeeded; models and errors come back at once. */
  readonly generating: boolean;
}

/** Route an API request. `body` is the parsed JSON object of a POST, undefined when it was not one. */
export function route(
  method: string,
  path: string,
  body: RequestBody | undefined,
  context: EndpointContext,
): Routed {
  const endpoint = method === 'POST' ? GENERATING[path] : undefined;
  if (endpoint) {
    const reply = body ? endpoint(body, context) : errorReply(400, INVALID_JSON_BODY);
    return { reply, generating: reply.kind === 'stream' || reply.status === 200 };
  }
  if (method === 'GET' && path === '/v1/models') return { reply: json(MODEL_LIST), generating: false };
  if (method === 'GET' && path.startsWith('/v1/models/')) {
    const id = path.slice('/v1/models/'.length);
    const reply = LISTED_MODELS.includes(id)
      ? json(JSON.stringify({ id, object: 'model', created: MODEL_CREATED, owned_by: 'system' }))
      : errorReply(404, errorBodyForStatus(404, id));
    return { reply, generating: false };
  }
  return { reply: errorReply(404, invalidUrlBody(method, path)), generating: false };
}
