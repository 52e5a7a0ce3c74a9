import { isUtf8 } from 'node:buffer';
import type { AppDbAdapter, Row, SqlExecutor, SqlValue } from './adapter';
import { quoteIdent, quoteTable } from './identifiers';
import type { LiveColumn } from './table-columns';

/**
 * A whole table row as it was, typed, as JSON: every column of the live
 * table (whatever the canonical schema knows), so a row taken out of the
 * product's table can be put back byte-equal (DESIGN §4.3).
 *
 * - SQLite: `type` is the value's storage class (typeof()); integers are kept
 *   as decimal text (64-bit exact), reals as JSON numbers ('Infinity' as text),
 *   blobs as base64, and text as a string only when its bytes are the UTF-8 of
 *   that string: SQLite stores any bytes as text, and the driver would decode
 *   invalid UTF-8 (or a UTF-16 database's text) to other bytes, so such text is
 *   kept as its raw bytes in base64 and cast back to text.
 * - PostgreSQL: `type` is the column's format_type(); the value is the
 *   server's own text form of it (which its input parser reads back to the
 *   same value), bytea as base64. The text form depends on session settings
 *   (extra_float_digits rounds floats, DateStyle orders dates): a capture runs
 *   under `pinValueSession`, which makes it exact and unambiguous.
 */
interface CellImage {
  type: string;
  value: string | number | null;
  encoding?: 'base64';
}

export interface RowImage {
  format: 'row-image/1';
  dialect: AppDbAdapter['dialect'];
  columns: Record<string, CellImage>;
}

/** The capture's SELECT list for these columns (read back with `imageOf`). */
export function captureSelect(dialect: AppDbAdapter['dialect'], columns: readonly LiveColumn[]): string {
  return columns
    .map((c, i) => {
      const q = quoteIdent(c.name);
      if (dialect === 'sqlite') return `typeof(${q}) AS "t${i}", CASE WHEN typeof(${q}) = 'integer' THEN CAST(${q} AS TEXT) ELSE ${q} END AS "v${i}", CASE WHEN typeof(${q}) = 'text' THEN CAST(${q} AS BLOB) END AS "b${i}"`;
      return `(${q} IS NULL) AS "n${i}", ${isBytea(c) ? `encode(${q}, 'base64')` : `CAST(${q} AS text)`} AS "v${i}"`;
    })
    .join(', ');
}

/**
 * Pins, for the rest of the transaction, the PostgreSQL settings a value's text form depends on, both ways: written
 * out by a capture (extra_float_digits 3: every float digit; ISO dates; ISO 8601 intervals) and read back by a
 * restore's casts (xmloption content: an XML fragment the product stored is refused by a database whose default is
 * `document`, s26g). Their input parsers read these forms back to the same value under any other settings. Runs
 * inside the transaction that captures or restores (SET LOCAL ends with it); nothing on SQLite.
 */
export async function pinValueSession(tx: SqlExecutor, dialect: AppDbAdapter['dialect']): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const setting of ['extra_float_digits = 3', "DateStyle = 'ISO, YMD'", "IntervalStyle = 'iso_8601'", 'xmloption = content']) await tx.execute(`SET LOCAL ${setting}`);
}

/** The image of one captured row (the result row of a `captureSelect`). */
export function imageOf(dialect: AppDbAdapter['dialect'], columns: readonly LiveColumn[], row: Row): RowImage {
  // No prototype: a column named `__proto__` must be an own key like any other (on a plain object it would set the prototype and vanish from the JSON).
  const cells = Object.create(null) as Record<string, CellImage>;
  columns.forEach((c, i) => {
    const raw = row[`v${i}`];
    if (dialect === 'sqlite') {
      const type = String(row[`t${i}`]);
      if (type === 'blob') cells[c.name] = { type, value: Buffer.from(raw as Uint8Array).toString('base64'), encoding: 'base64' };
      else if (type === 'real') cells[c.name] = { type, value: Number.isFinite(raw) ? (raw as number) : String(raw) };
      else if (type === 'text') cells[c.name] = textCell(raw as string, row[`b${i}`] as Uint8Array);
      else cells[c.name] = { type, value: raw == null ? null : (raw as string) };
    } else if (row[`n${i}`] === true) {
      cells[c.name] = { type: c.type, value: null };
    } else {
      cells[c.name] = { type: c.type, value: String(raw), ...(isBytea(c) ? { encoding: 'base64' as const } : {}) };
    }
  });
  return { format: 'row-image/1', dialect, columns: cells };
}

export function parseRowImage(text: unknown): RowImage | null {
  if (typeof text !== 'string' || text === '') return null;
  const parsed = JSON.parse(text) as RowImage;
  return parsed?.format === 'row-image/1' && parsed.columns ? parsed : null;
}

/** Why an image cannot go back into the table as it is now; null when it can. */
export function imageMismatch(image: RowImage, live: readonly LiveColumn[], dialect: AppDbAdapter['dialect'], table: string): string | null {
  if (image.dialect !== dialect) return `the row was quarantined from a ${image.dialect} database, and this is ${dialect}`;
  const byName = new Map(live.map((c) => [c.name, c]));
  const lost = Object.keys(image.columns).filter((name) => !byName.has(name));
  if (lost.length) return `${table} no longer has the column${lost.length === 1 ? '' : 's'} ${lost.join(', ')} that the row had`;
  // Own keys only: `constructor` or `toString` must not count as kept because every object inherits them.
  const required = live.filter((c) => !Object.hasOwn(image.columns, c.name) && c.notNull && !c.hasDefault && !c.generated).map((c) => c.name);
  if (required.length) return `${table} has a new NOT NULL column without a default (${required.join(', ')}) that the quarantined row has no value for`;
  return null;
}

/** INSERT of exactly the image's columns, each value bound in its own type (generated columns recompute themselves). */
export function insertFromImage(dialect: AppDbAdapter['dialect'], table: string, image: RowImage, live: readonly LiveColumn[]): { sql: string; params: SqlValue[] } {
  const byName = new Map(live.map((c) => [c.name, c]));
  const names: string[] = [];
  const values: string[] = [];
  const params: SqlValue[] = [];
  for (const [name, cell] of Object.entries(image.columns)) {
    const column = byName.get(name);
    if (!column || column.generated) continue;
    names.push(quoteIdent(name));
    if (cell.value === null) {
      values.push('NULL');
    } else if (cell.encoding === 'base64') {
      // SQLite text kept as raw bytes goes back as text with exactly those bytes (CAST reinterprets, never re-encodes).
      values.push(dialect === 'sqlite' ? (cell.type === 'text' ? 'CAST(? AS TEXT)' : '?') : `decode(?, 'base64')`);
      params.push(dialect === 'sqlite' ? Buffer.from(String(cell.value), 'base64') : String(cell.value));
    } else if (dialect === 'sqlite') {
      // The storage class is restored by the cast; the column's affinity then treats it exactly as it treated the original.
      if (cell.type === 'integer') values.push('CAST(? AS INTEGER)');
      else if (cell.type === 'real') values.push('CAST(? AS REAL)');
      else values.push('?');
      params.push(cell.type === 'real' ? Number(cell.value) : String(cell.value));
    } else {
      // The type is the catalog's own format_type() of the live column (quoted by PostgreSQL where needed), never admin input.
      values.push(`CAST(? AS ${column.type})`);
      params.push(String(cell.value));
    }
  }
  const overriding = live.some((c) => c.identityAlways && names.includes(quoteIdent(c.name))) ? ' OVERRIDING SYSTEM VALUE' : '';
  return { sql: `INSERT INTO ${quoteTable(table)} (${names.join(', ')})${overriding} VALUES (${values.join(', ')})`, params };
}

const isBytea = (c: LiveColumn) => c.type === 'bytea';

/** A SQLite text cell: the string when it is exactly the stored bytes, else those bytes (see RowImage). */
function textCell(decoded: string, bytes: Uint8Array): CellImage {
  const raw = Buffer.from(bytes);
  if (isUtf8(raw) && raw.toString('utf8') === decoded) return { type: 'text', value: decoded };
  return { type: 'text', value: raw.toString('base64'), encoding: 'base64' };
}
