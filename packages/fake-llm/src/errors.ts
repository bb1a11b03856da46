/** The body of an OpenAI API error, `{"error":{"message","type","param","code"}}`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Anthropic's overload body, which OpenAI-compatible relays pass through with status 529. */
export const OVERLOADED_BODY = {
  type: 'error',
  error: { type: 'overloaded_error', message: 'Overloaded' },
} as const;

function body(
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** OpenAI's body for a bad or missing API key (status 401). */
export function invalidApiKeyBody(key: string | undefined): OpenAIErrorBody {
  if (!key) {
    return body(
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      'invalid_request_error',
      null,
    );
  }
  // The real API echoes a masked key; never more than its first 3 and last 4 characters.
  const masked =
    key.length > 10
      ? `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`
      : '*'.repeat(key.length);
  return body(
    `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  );
}

/** OpenAI's body for a request refused by the per-minute limits (`kind`: requests or tokens). */
export function rateLimitedBody(
  model: string,
  kind: 'requests' | 'tokens',
  limit: number,
  retryIn: string,
): OpenAIErrorBody {
  const what = kind === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  return body(
    `Rate limit reached for ${model} in organization org-fakellm on ${what}: Limit ${limit}, Used ${limit}, Requested 1. Please try again in ${retryIn}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    kind,
    'rate_limit_exceeded',
  );
}

/** OpenAI's body for an exhausted quota (status 429, not worth retrying). */
export const INSUFFICIENT_QUOTA_BODY: OpenAIErrorBody = body(
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
  'insufficient_quota',
  'insufficient_quota',
);

/** An OpenAI-format error body with the type and code the real API uses for `status`. */
export function errorBodyForStatus(status: number, model = 'gpt-4o-mini'): OpenAIErrorBody {
  switch (status) {
    case 400:
      return body('Invalid request (fake-llm injected fault).', 'invalid_request_error');
    case 401:
      return invalidApiKeyBody('sk-fake-llm-injected-fault');
    case 403:
      return body(
        'Country, region, or territory not supported',
        'request_forbidden',
        'unsupported_country_region_territory',
      );
    case 404:
      return body(
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    case 409:
      return body(
        'The request conflicted with another request (fake-llm injected fault).',
        'invalid_request_error',
      );
    case 422:
      return body('Unprocessable request (fake-llm injected fault).', 'invalid_request_error');
    case 429:
      return body(
        `Rate limit reached for ${model} in organization org-fakellm on requests per min (RPM): Limit 5000, Used 5000, Requested 1. Please try again in 12ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        'requests',
        'rate_limit_exceeded',
      );
    case 500:
      return body('The server had an error while processing your request. Sorry about that!', 'server_error');
    case 502:
      return body('Bad gateway.', 'server_error', 'bad_gateway');
    case 503:
      return body('The server is overloaded or not ready yet.', 'server_error', 'service_unavailable');
    case 504:
      return body('Gateway timeout.', 'server_error', 'gateway_timeout');
    default:
      return status >= 500
        ? body(`Server error ${status} (fake-llm injected fault).`, 'server_error')
        : body(`Request error ${status} (fake-llm injected fault).`, 'invalid_request_error');
  }
}

/** 400 for a body that is not JSON, worded as the real API words it. */
export const INVALID_JSON_BODY: OpenAIErrorBody = body(
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  'invalid_request_error',
);

/** 400 for a missing required parameter such as `messages`. */
export function missingParameterBody(param: string): OpenAIErrorBody {
  if (param === 'model') return body('you must provide a model parameter', 'invalid_request_error');
  return body(
    `Missing required parameter: '${param}'.`,
    'invalid_request_error',
    'missing_required_parameter',
    param,
  );
}

/** 400 for a parameter of the wrong type. */
export function invalidParameterBody(param: string, message: string): OpenAIErrorBody {
  return body(message, 'invalid_request_error', 'invalid_type', param);
}

/** 404 for a path the API does not have. */
export function invalidUrlBody(method: string, path: string): OpenAIErrorBody {
  return body(`Invalid URL (${method} ${path})`, 'invalid_request_error');
}
