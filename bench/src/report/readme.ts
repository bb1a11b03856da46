/** The markers in bench/README.md between which the bench writes its latest results. */
export const README_START = '<!-- bench:results:start -->';
export const README_END = '<!-- bench:results:end -->';
/** The markers of the soak run's figures. */
export const SOAK_START = '<!-- soak:results:start -->';
export const SOAK_END = '<!-- soak:results:end -->';

/**
 * Replaces what lies between the markers with `generated` (markers kept). Throws when the markers are
 * missing or out of order, rather than appending somewhere a reader would not look.
 */
export function replaceBetweenMarkers(
  readme: string,
  generated: string,
  startMarker = README_START,
  endMarker = README_END,
): string {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < 0 || end < start) {
    throw new Error(`README lacks the markers ${startMarker} … ${endMarker} (in that order)`);
  }
  return `${readme.slice(0, start + startMarker.length)}\n${generated.trim()}\n${readme.slice(end)}`;
}
