/**
 * The prompt cache rule: the server remembers every prompt prefix it has served (per model), counting a prefix as whole
 * messages before the last one. A later prompt that starts with a remembered prefix reports that prefix's tokens as
 * `cached_tokens` (the longest one wins). So sending the same system message twice, or continuing a conversation,
 * reports cached tokens on the second request; a one-message prompt never does.
 */
export class PromptCache {
  private readonly seen = new Map<number, true>();

  /** @param limit how many prefixes to remember before forgetting the oldest (default 10,000). */
  constructor(private readonly limit = 10_000) {}

  /**
   * Look up and remember the prefixes of one prompt.
   * @param prefixHashes hash of messages [0..i] for each i before the last message
   * @param prefixTokens tokens of messages [0..i], same indexing
   * @returns the cached token count
   */
  lookupAndRemember(prefixHashes: readonly number[], prefixTokens: readonly number[]): number {
    let cached = 0;
    for (let i = 0; i < prefixHashes.length; i++) {
      const hash = prefixHashes[i] as number;
      if (this.seen.has(hash)) {
        cached = prefixTokens[i] ?? 0;
      } else {
        this.seen.set(hash, true);
        if (this.seen.size > this.limit) {
          const oldest = this.seen.keys().next().value;
          if (oldest !== undefined) this.seen.delete(oldest);
        }
      }
    }
    return cached;
  }

  /** Forget everything. */
  clear(): void {
    this.seen.clear();
  }
}
