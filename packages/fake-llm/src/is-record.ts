/** A plain JSON object (not null, not an array): how request fields of unknown shape are narrowed. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
