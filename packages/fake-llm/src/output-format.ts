import { isRecord } from './is-record.js';
/** Structured output the request asks for: JSON fitting a schema, or any JSON object. Undefined for plain text. */
export type OutputFormat =
  | { readonly kind: 'json_schema'; readonly schema: unknown }
  | { readonly kind: 'json_object' }
  | undefined;

function read(format: unknown, schemaHolder: (format: Record<string, unknown>) => unknown): OutputFormat {
  if (!isRecord(format)) return undefined;
  if (format.type === 'json_object') return { kind: 'json_object' };
  if (format.type === 'json_schema') return { kind: 'json_schema', schema: schemaHolder(format) };
  return undefined;
}

/** Chat Completions: `response_format: { type: 'json_schema', json_schema: { schema } }` or `{ type: 'json_object' }`. */
export function chatOutputFormat(responseFormat: unknown): OutputFormat {
  return read(responseFormat, (format) =>
    isRecord(format.json_schema) ? format.json_schema.schema : undefined,
  );
}

/** Responses: `text: { format: { type: 'json_schema', schema } }` or `{ type: 'json_object' }`. */
export function responsesOutputFormat(text: unknown): OutputFormat {
  return read(isRecord(text) ? text.format : undefined, (format) => format.schema);
}
