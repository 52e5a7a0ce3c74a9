import type { AppDbAdapter, SqlValue } from './adapter';
import { quoteIdent } from './identifiers';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The values one row id, held as text, is bound as to find its row in a SQLite column of any declared type.
 *
 * Row ids travel as text (findings, seen keys, the diff's answers: `String(row.id)`). A column with a declared
 * type converts a bound value to it before comparing, so the text alone finds an INTEGER or TEXT id. A column
 * declared with no type (BLOB affinity) converts nothing, and an integer stored there never equals its text: the
 * row was not found by id, so an orphan the diff saw was never reported and could not be repaired (found in the
 * s21 attack). Text that is exactly what a stored number reads as is therefore bound as that number too, and every
 * text as its bytes (a blob): a typed column converts the values to one, an untyped column matches whichever it
 * stores.
 *
 * A REAL past 2^53 equals an integer whose text differs (2^60 reads '1152921504606847000'), so these values may
 * also find such a row under another id: callers keep only rows whose String(id) is one they asked for.
 * PostgreSQL's columns are typed, and a second value of another type could fail the statement: the text alone.
 */
export function keyValues(dialect: AppDbAdapter['dialect'], id: string): SqlValue[] {
  if (dialect !== 'sqlite') return [id];
  const values: SqlValue[] = [id];
  if (/^(0|-?[1-9][0-9]*)$/.test(id)) {
    const integer = BigInt(id);
    if (integer >= INT64_MIN && integer <= INT64_MAX) values.push(integer);
  }
  // The text a stored REAL reads as (String(0.5) is '0.5', an overflow 'Infinity'); a safe integer is bound exactly above.
  const real = Number(id);
  if (!Number.isNaN(real) && String(real) === id && !Number.isSafeInteger(real)) values.push(real);
  // A BLOB id reads as its bytes decoded (the driver's Buffer, String()): bound as those bytes again. Bytes that are
  // not UTF-8 do not come back (their text has U+FFFD): such a row is not found by id, so never concluded on.
  values.push(Buffer.from(id, 'utf8'));
  return values;
}

/** `<column> IN (…)` matching rows by these text ids in any SQLite column type (keyValues), with its parameters. */
export function keysIn(dialect: AppDbAdapter['dialect'], column: string, ids: readonly string[]): { sql: string; params: SqlValue[] } {
  const params = ids.flatMap((id) => keyValues(dialect, id));
  return { sql: `${quoteIdent(column)} IN (${params.map(() => '?').join(', ')})`, params };
}
