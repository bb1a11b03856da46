import { isRecord } from './is-record.js';
/** A function the request offers the model, normalised from the Chat (`{function:{name}}`) or Responses (`{name}`) shape. */
export interface OfferedFunction {
  readonly name: string;
  readonly parameters: unknown;
}

/** A tool call the fake model decided to make. */
export interface ToolCallPlan {
  readonly name: string;
  readonly arguments: string;
}

/** Functions offered by a `tools` array in either API's shape; other tool kinds (web search, …) are ignored. */
export function offeredFunctions(tools: unknown): OfferedFunction[] {
  if (!Array.isArray(tools)) return [];
  const out: OfferedFunction[] = [];
  for (const tool of tools) {
    if (!isRecord(tool) || tool.type !== 'function') continue;
    const fn = isRecord(tool.function) ? tool.function : tool;
    if (typeof fn.name === 'string') out.push({ name: fn.name, parameters: fn.parameters });
  }
  return out;
}

function namedChoice(toolChoice: unknown): string | undefined {
  if (!isRecord(toolChoice) || toolChoice.type !== 'function') return undefined;
  if (typeof toolChoice.name === 'string') return toolChoice.name;
  if (isRecord(toolChoice.function) && typeof toolChoice.function.name === 'string')
    return toolChoice.function.name;
  return undefined;
}

/** Words of a function name worth looking for in a prompt: `get_weather` → `get_weather`, `weather`. */
function nameWords(name: string): string[] {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length >= 4);
  return [name.toLowerCase(), ...words];
}

function mentions(fn: OfferedFunction, prompt: string): boolean {
  return nameWords(fn.name).some((word) => prompt.includes(word));
}

/**
 * The tool rule: with function tools offered, the model calls one when `tool_choice` is `required` or names a function,
 * or (with `auto` or no choice) when the last message is the user's and mentions the function's name or a word of it
 * of 4+ letters (`get_weather` is called for "What is the weather…?"). `tool_choice: "none"` never calls.
 */
export function chooseFunction(
  functions: readonly OfferedFunction[],
  toolChoice: unknown,
  lastUserText: string | undefined,
): OfferedFunction | undefined {
  if (functions.length === 0 || toolChoice === 'none') return undefined;
  const named = namedChoice(toolChoice);
  if (named !== undefined)
    return functions.find((fn) => fn.name === named) ?? { name: named, parameters: undefined };
  const prompt = (lastUserText ?? '').toLowerCase();
  const mentioned = functions.find((fn) => mentions(fn, prompt));
  if (toolChoice === 'required') return mentioned ?? functions[0];
  return lastUserText === undefined ? undefined : mentioned;
}

/** The first run of capitalised words after the first word ("What is the weather in New York City?" → "New York City"). */
function properNoun(text: string): string | undefined {
  const match = /\s((?:[A-Z][\p{L}\p{N}]*)(?:\s+[A-Z][\p{L}\p{N}]*)*)/u.exec(text.trim());
  return match?.[1];
}

/** Follow a local `$ref` (`#/$defs/X`, `#/definitions/X`) against the root schema. */
function resolve(schema: unknown, root: unknown): unknown {
  if (!isRecord(schema) || typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const key of schema.$ref.slice(2).split('/')) target = isRecord(target) ? target[key] : undefined;
  return target;
}

function exampleValue(schema: unknown, text: string, root: unknown, depth: number): unknown {
  const resolved = resolve(schema, root);
  if (!isRecord(resolved) || depth > 16) return 'example';
  if (resolved.const !== undefined) return resolved.const;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return resolved.enum[0];
  const alternatives = resolved.anyOf ?? resolved.oneOf;
  if (Array.isArray(alternatives) && alternatives.length > 0)
    return exampleValue(alternatives[0], text, root, depth + 1);
  const type = Array.isArray(resolved.type) ? resolved.type[0] : resolved.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return resolved.items === undefined ? [] : [exampleValue(resolved.items, text, root, depth + 1)];
    case 'object':
      return exampleObject(resolved, text, root, depth + 1);
    case 'null':
      return null;
    default:
      return resolved.properties !== undefined
        ? exampleObject(resolved, text, root, depth + 1)
        : (properNoun(text) ?? 'example');
  }
}

function exampleObject(
  schema: Record<string, unknown>,
  text: string,
  root: unknown,
  depth: number,
): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((k): k is string => typeof k === 'string')
    : undefined;
  const out: Record<string, unknown> = {};
  for (const key of required ?? Object.keys(properties)) {
    out[key] = exampleValue(properties[key], text, root, depth);
  }
  return out;
}

/**
 * A JSON value that fits a JSON schema (local `$ref`s, `anyOf`/`oneOf` first branch, `const`, `enum` first value):
 * required properties (or all, if none are required), strings from the first proper noun of the prompt or
 * `"example"`, numbers `1`, booleans `true`, arrays of one item.
 */
export function exampleJson(schema: unknown, prompt: string): unknown {
  return exampleValue(schema, prompt, schema, 0);
}

/** Arguments that fit the function's JSON schema, by the {@link exampleJson} rule ("New York City" for a string). */
export function planToolCall(fn: OfferedFunction, prompt: string): ToolCallPlan {
  const args = isRecord(fn.parameters) ? exampleJson(fn.parameters, prompt) : {};
  return { name: fn.name, arguments: JSON.stringify(args) };
}
