import { invalidParameterBody, missingParameterBody } from './errors.js';
import { embeddingDimensions } from './models.js';
import { hashString, seededRandom } from './prng.js';
import { errorReply, type Reply } from './reply.js';
import {
  type EndpointContext,
  isReply,
  optionalInteger,
  type RequestBody,
  requireModel,
} from './request-fields.js';
import { countTokens } from './tokens.js';

/** A deterministic unit vector for a text: the same text always embeds to the same vector. */
function embedVector(text: string, dimensions: number): Float32Array {
  const random = seededRandom(hashString(text));
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const value = random() * 2 - 1;
    vector[i] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] as number) * scale;
  return vector;
}

// Serialised vectors by format, dimensions and text: benchmarks embed the same texts again and again, and
// serialising 1536 floats costs far more than the rest of a request.
const serialised = new Map<string, string>();
const SERIALISED_LIMIT = 1000;

/** The `embedding` value, already serialised as JSON (an array of floats or a base64 string). */
function embeddingJson(text: string, dimensions: number, format: 'float' | 'base64'): string {
  const key = `${format}:${dimensions}:${text}`;
  let json = serialised.get(key);
  if (json === undefined) {
    const vector = embedVector(text, dimensions);
    json =
      format === 'base64'
        ? `"${Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')}"`
        : JSON.stringify(Array.from(vector));
    if (serialised.size >= SERIALISED_LIMIT) serialised.clear();
    serialised.set(key, json);
  }
  return json;
}

/** The inputs as texts (token-id arrays become their ids joined) plus their token count. */
function readInputs(input: unknown): { texts: string[]; tokens: number } | undefined {
  const isTokenArray = (v: unknown): v is number[] =>
    Array.isArray(v) && v.every((t) => typeof t === 'number');
  if (typeof input === 'string') return { texts: [input], tokens: countTokens(input) };
  if (isTokenArray(input) && input.length > 0) return { texts: [input.join(' ')], tokens: input.length };
  if (!Array.isArray(input) || input.length === 0) return undefined;
  const texts: string[] = [];
  let tokens = 0;
  for (const item of input) {
    if (typeof item === 'string') {
      texts.push(item);
      tokens += countTokens(item);
    } else if (isTokenArray(item)) {
      texts.push(item.join(' '));
      tokens += item.length;
    } else {
      return undefined;
    }
  }
  return { texts, tokens };
}

/** Handle `POST /v1/embeddings`: float arrays, or base64 of little-endian float32 (what the SDK asks for by default). */
export function embeddings(body: RequestBody, _context: EndpointContext): Reply {
  const model = requireModel(body);
  if (isReply(model)) return model;
  if (body.input === undefined || body.input === null) return errorReply(400, missingParameterBody('input'));
  const inputs = readInputs(body.input);
  if (!inputs) {
    return errorReply(
      400,
      invalidParameterBody(
        'input',
        "Invalid 'input': expected a non-empty string, array of strings or array of token arrays.",
      ),
    );
  }
  const dimensions = optionalInteger(body, 'dimensions', 1, 3072);
  if (isReply(dimensions)) return dimensions;
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return errorReply(
      400,
      invalidParameterBody('encoding_format', "Invalid 'encoding_format': expected 'float' or 'base64'."),
    );
  }
  const size = dimensions ?? embeddingDimensions(model);
  const data = inputs.texts
    .map(
      (text, index) =>
        `{"object":"embedding","index":${index},"embedding":${embeddingJson(text, size, format)}}`,
    )
    .join(',');
  const usage = JSON.stringify({ prompt_tokens: inputs.tokens, total_tokens: inputs.tokens });
  return {
    kind: 'json',
    status: 200,
    body: `{"object":"list","data":[${data}],"model":${JSON.stringify(model)},"usage":${usage}}`,
    generatedTokens: 0,
    headers: { 'openai-model': model },
    promptTokens: inputs.tokens,
    completionTokens: 0,
  };
}
