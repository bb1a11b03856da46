/** FNV-1a 32-bit hash of a string: cheap, stable across runs, good enough to seed content. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seeded pseudo-random source returning floats in [0, 1). */
export type Random = () => number;

/** mulberry32: a tiny seeded PRNG, so the same seed always replays the same sequence. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function randomChars(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

/** A unique-looking id such as `chatcmpl-Bs24CNH3ITxv65qJpGjVXijYv6qX2` (ids are not part of the deterministic content). */
export function randomId(prefix: string, length = 29): string {
  return prefix + randomChars(ALPHANUMERIC, length);
}

/** A hex id such as `resp_67ccd2bed1ec…` or `req_5b9a48ab…`. */
export function randomHexId(prefix: string, length: number): string {
  return prefix + randomChars(HEX, length);
}
