import type { Random } from './prng.js';

// Words of at most 4 characters (with a trailing period at most 4 too), so each one is exactly one token.
const WORDS = [
  'the',
  'sea',
  'sky',
  'is',
  'calm',
  'blue',
  'wind',
  'over',
  'and',
  'of',
  'in',
  'to',
  'we',
  'see',
  'red',
  'sun',
  'rain',
  'day',
  'new',
  'old',
  'map',
  'far',
  'near',
  'time',
  'soon',
  'tide',
  'wave',
  'ship',
  'port',
  'east',
  'west',
  'cold',
  'warm',
  'fog',
  'salt',
  'moon',
  'star',
  'path',
  'road',
  'city',
  'town',
  'home',
  'rest',
  'fire',
  'snow',
  'ice',
  'land',
  'isle',
  'bay',
  'cove',
  'reef',
  'sail',
  'mast',
  'deck',
  'crew',
  'gull',
  'fish',
  'cod',
  'eel',
  'kelp',
  'a',
  'an',
  'on',
  'by',
  'at',
  'for',
  'with',
  'from',
  'then',
  'now',
  'here',
  'that',
  'this',
  'it',
  'its',
  'was',
] as const;

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Deterministic text of exactly `count` tokens, as the pieces a stream sends: the first piece has no leading space,
 * the others start with one. The same `random` sequence always gives the same text.
 */
export function generatePieces(random: Random, count: number): string[] {
  const pieces: string[] = new Array(count);
  let sentenceStart = true;
  for (let i = 0; i < count; i++) {
    let word: string = WORDS[Math.floor(random() * WORDS.length)] ?? 'sea';
    if (sentenceStart) word = capitalise(word);
    const isLast = i === count - 1;
    // End a sentence now and then (and always at the end) where the period still fits in 4 characters.
    sentenceStart = word.length <= 3 && (isLast || random() < 0.15);
    if (sentenceStart) word += '.';
    pieces[i] = i === 0 ? word : ` ${word}`;
  }
  return pieces;
}

/** A natural answer length in tokens (5 to 30) for when the request does not ask for one. */
export function naturalLength(random: Random): number {
  return 5 + Math.floor(random() * 26);
}
