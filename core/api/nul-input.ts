/**
 * Where an input holds NUL (U+0000) in a string or a key, as a path; undefined when nowhere.
 * A console store on PostgreSQL cannot hold NUL in text (SQLite can), so the contract refuses it for
 * every method on every store: the same call then answers the same on both, and never reaches a statement.
 * Depth is bounded by the input size check that runs first (MAX_INPUT_BYTES of JSON).
 */
export function nulPath(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key];
      const found = nulPath(inner, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
