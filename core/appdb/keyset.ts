import type { AppDbAdapter, KeysetOptions, Row } from './adapter';
import { quoteIdent, quoteTable } from './identifiers';

/**
 * Streams a table in keyset-paged chunks (`WHERE key > last ORDER BY key
 * LIMIT n`): constant memory and constant cost per chunk at any table size,
 * unlike OFFSET paging, and each chunk is its own short query.
 */
export async function* streamKeyset<T extends Row = Row>(db: AppDbAdapter, options: KeysetOptions): AsyncGenerator<T[]> {
  const chunkSize = options.chunkSize ?? 5000;
  const key = quoteIdent(options.key);
  const columns = [...new Set([options.key, ...options.columns])].map(quoteIdent).join(', ');
  const extra = options.where ? ` AND (${options.where.sql})` : '';
  let last: unknown;
  for (;;) {
    const after = last === undefined ? '' : `${key} > ?`;
    const conditions = [after, extra.replace(/^ AND /, '')].filter(Boolean).join(' AND ');
    const sql = `SELECT ${columns} FROM ${quoteTable(options.table)}${conditions ? ` WHERE ${conditions}` : ''} ORDER BY ${key} LIMIT ${chunkSize}`;
    const params = [...(last === undefined ? [] : [last as string | number]), ...(options.where?.params ?? [])];
    const rows = await db.query<T>(sql, params);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < chunkSize) return;
    last = rows[rows.length - 1]?.[options.key];
  }
}
