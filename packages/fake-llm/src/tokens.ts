/**
 * The token counting rule of the fake server, used for prompts and completions alike:
 * every whitespace-separated word counts `ceil(length / 4)` tokens (so a word of up to 4 characters is one token).
 * Generated text uses words of at most 4 characters, so each streamed text chunk is exactly one token.
 */
export function countTokens(text: string): number {
  let tokens = 0;
  let wordLength = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // space, tab, newline, carriage return
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      if (wordLength > 0) tokens += Math.ceil(wordLength / 4);
      wordLength = 0;
    } else {
      wordLength++;
    }
  }
  if (wordLength > 0) tokens += Math.ceil(wordLength / 4);
  return tokens;
}

/** Tokens every chat message costs on top of its content (role and separators), as OpenAI's counting guide does. */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens that prime the assistant's reply, added once per chat prompt. */
export const TOKENS_PER_REPLY = 3;
