/** How much of the end of a body is kept to find its usage (and, for streams, the final event). */
export const TAIL_CHARS = 16_384;

const USAGE_KEY = /"usage"\s*:\s*\{/g;

/**
 * The last `"usage": {…}` object in the tail of a response body (a JSON result, the final chunk of a chat
 * stream, or Responses' `response.completed` event), parsed; `undefined` when there is none. Scanning only
 * the tail avoids parsing the whole body a second time (the SDK parses it for the caller).
 */
export function usageFromTail(tail: string): unknown {
  let start = -1;
  for (const match of tail.matchAll(USAGE_KEY)) start = match.index + match[0].length - 1;
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < tail.length; i++) {
    const c = tail.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */) depth++;
    else if (c === 0x7d /* } */ && --depth === 0) {
      try {
        return JSON.parse(tail.slice(start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
