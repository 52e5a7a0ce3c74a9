import type { AppDbAdapter, KeysetOptions, Row, SqlValue } from './adapter';
import { quoteIdent, quoteTable } from './identifiers';
import { liveColumns, sqliteSchemaAndName } from './table-columns';

/**
 * Streams a table in keyset-paged chunks (`WHERE key > last ORDER BY key
 * LIMIT n`): constant memory and constant cost per chunk at any table size,
 * unlike OFFSET paging, and each chunk is its own short query.
 */
export async function* streamKeyset<T extends Row = Row>(db: AppDbAdapter, options: KeysetOptions): AsyncGenerator<T[]> {
  const chunkSize = options.chunkSize ?? 5000;
  const key = quoteIdent(options.key);
  const columns = selectList(options);
  const extra = options.where ? ` AND (${options.where.sql})` : '';
  let last: unknown;
  for (;;) {
    const after = last === undefined ? '' : `${key} > ?`;
    const conditions = [after, extra.replace(/^ AND /, '')].filter(Boolean).join(' AND ');
    const sql = `SELECT ${columns} FROM ${quoteTable(options.table)}${conditions ? ` WHERE ${conditions}` : ''} ORDER BY ${key} LIMIT ${chunkSize}`;
    const params = [...(last === undefined ? [] : [last as SqlValue]), ...(options.where?.params ?? [])];
    const rows = await db.query<T>(sql, params);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < chunkSize) return;
    last = rows[rows.length - 1]?.[options.key];
  }
}

/** What a SQLite table's rowid is called in a query: the first of its three names the table does not use for a column. */
const ROWID_NAMES = ['rowid', '_rowid_', 'oid'] as const;
/** The position column streamStored adds to each row, removed before the rows are handed on. */
const POSITION = 'sw_stored_position';

/**
 * Streams a table in the order its rows are stored, where the database can
 * say so: a SQLite rowid table is paged by rowid (`WHERE rowid > last`); any
 * other table (PostgreSQL, WITHOUT ROWID, a view) by its key, as
 * streamKeyset. Rows come in no particular key order: for callers that only
 * need every row once.
 * Why: a key that is not the rowid (a TEXT id, a UUID) is its own index, so
 * reading in key order fetches each row by a random lookup: a million
 * scattered ids took 2.8-3.4 s in key order against 0.5 s by rowid (issue 19).
 * Invariant: each row is read at most once, with the key as stored. Only rows
 * stored when the read starts are read (rowid up to the largest then): a row
 * inserted meanwhile is not, and a row that a REPLACE moves (a delete and an
 * insert: a new rowid) is read as it was if the read had passed it, and not
 * at all otherwise, never twice. Telling a moved row's two copies apart by
 * key instead would take the database's own comparison (collation, type,
 * bytes), which the caller does not have.
 */
export async function* streamStored<T extends Row = Row>(db: AppDbAdapter, options: KeysetOptions): AsyncGenerator<T[]> {
  const rowid = await rowidName(db, options.table, [options.key, ...options.columns]);
  if (rowid === null) {
    yield* streamKeyset<T>(db, options);
    return;
  }
  const table = quoteTable(options.table);
  // Positions are text: a rowid may be any 64-bit integer, past what a JavaScript number holds exactly.
  const [bound] = await db.query<{ last: string | null }>(`SELECT CAST(max(${rowid}) AS TEXT) AS last FROM ${table}`);
  const end = bound?.last ?? null;
  if (end === null) return;
  const chunkSize = options.chunkSize ?? 5000;
  const columns = selectList(options);
  const where = options.where ? ` AND (${options.where.sql})` : '';
  // The position comes last: deleting an object's last-added property keeps V8's fast shape.
  const select = `SELECT ${columns}, CAST(${rowid} AS TEXT) AS ${POSITION} FROM ${table} WHERE ${rowid} <= CAST(? AS INTEGER)`;
  const first = `${select}${where} ORDER BY ${rowid} LIMIT ${chunkSize}`;
  const next = `${select} AND ${rowid} > CAST(? AS INTEGER)${where} ORDER BY ${rowid} LIMIT ${chunkSize}`;
  const extra = options.where?.params ?? [];
  for (let last: string | undefined; ; ) {
    const rows = await db.query<T>(last === undefined ? first : next, last === undefined ? [end, ...extra] : [end, last, ...extra]);
    if (rows.length === 0) return;
    last = String((rows[rows.length - 1] as Row)[POSITION]);
    for (const row of rows) delete (row as Row)[POSITION];
    yield rows;
    if (rows.length < chunkSize) return;
  }
}

/** The name that reaches a SQLite table's rowid, or null when it has none (PostgreSQL, WITHOUT ROWID, a view, a virtual table) or every name is a column. */
async function rowidName(db: AppDbAdapter, table: string, wanted: readonly string[]): Promise<string | null> {
  if (db.dialect !== 'sqlite' || wanted.includes(POSITION)) return null;
  const [schema, name] = sqliteSchemaAndName(table);
  const [kind] = await db.query<{ type: string; wr: number }>('SELECT type, wr FROM pragma_table_list(?) WHERE schema = ?', [name, schema]);
  if (kind?.type !== 'table' || kind.wr !== 0) return null;
  const columns = await liveColumns(db, table);
  const taken = new Set(columns.map((c) => c.name.toLowerCase()));
  return ROWID_NAMES.find((candidate) => !taken.has(candidate)) ?? null;
}

/** The key and the asked-for columns, each once, quoted. */
function selectList(options: KeysetOptions): string {
  return [...new Set([options.key, ...options.columns])].map(quoteIdent).join(', ');
}
