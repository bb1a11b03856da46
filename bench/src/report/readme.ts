/** The markers in bench/README.md between which the bench writes its latest results. */
export const README_START = '<!-- bench:results:start -->';
export const README_END = '<!-- bench:results:end -->';

/**
 * Replaces what lies between the markers with `generated` (markers kept). Throws when the markers are
 * missing or out of order, rather than appending somewhere a reader would not look.
 */
export function replaceBetweenMarkers(readme: string, generated: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < 0 || end < start) {
    throw new Error(`README lacks the markers ${README_START} … ${README_END} (in that order)`);
  }
  return `${readme.slice(0, start + README_START.length)}\n${generated.trim()}\n${readme.slice(end)}`;
}
