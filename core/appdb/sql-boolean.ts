/**
 * A boolean column as the drivers hand it back: SQLite gives 0/1 (or text a
 * product wrote), PostgreSQL true/false. Anything else reads as false.
 */
export function isSqlTrue(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true' || value === 1n;
}
