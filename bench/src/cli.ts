/** A positive whole-number command-line option (`--name N`), or `fallback` when it is not given. Throws on anything else. */
export function positiveIntegerOption(
  values: Readonly<Record<string, unknown>>,
  name: string,
  fallback: number,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}
