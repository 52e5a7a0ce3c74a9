import type { AppDbAdapter, SqlExecutor } from './adapter';
import { quoteTable } from './identifiers';

/**
 * One column of a live table, as the database itself describes it (not as
 * the canonical schema or the mapping believes it is).
 */
export interface LiveColumn {
  name: string;
  /** SQLite: the declared type (may be empty); PostgreSQL: format_type(), e.g. `numeric(10,2)`, `jsonb`, `bytea`. */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  /** Computed by the database (generated column): never written back, it recomputes itself. */
  generated: boolean;
  /** PostgreSQL GENERATED ALWAYS AS IDENTITY: an insert of its value needs OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean;
}

/** A SQLite table name as [schema, table]: `main` unless it is schema-qualified. */
export function sqliteSchemaAndName(table: string): [string, string] {
  const [first, second] = table.split('.') as [string, string | undefined];
  return second === undefined ? ['main', first] : [first, second];
}

/** Every column of `table` in table order (SQLite PRAGMA table_xinfo, PostgreSQL pg_attribute); empty when the table does not exist. */
export async function liveColumns(db: Pick<AppDbAdapter, 'dialect'> & SqlExecutor, table: string): Promise<LiveColumn[]> {
  if (db.dialect === 'sqlite') {
    const [schema, name] = sqliteSchemaAndName(table);
    const rows = await db.query<{ name: string; type: string; notnull: number; dflt_value: unknown; hidden: number }>(
      'SELECT name, type, "notnull", dflt_value, hidden FROM pragma_table_xinfo(?, ?) ORDER BY cid',
      [name as string, schema as string],
    );
    // hidden 1: a virtual table's hidden column; 2 and 3: generated (virtual, stored).
    return rows
      .filter((r) => r.hidden !== 1)
      .map((r) => ({ name: r.name, type: r.type ?? '', notNull: r.notnull === 1, hasDefault: r.dflt_value !== null, generated: r.hidden === 2 || r.hidden === 3, identityAlways: false }));
  }
  const exists = await db.query<{ oid: unknown }>('SELECT to_regclass(?) AS oid', [quoteTable(table)]);
  if (exists[0]?.oid == null) return [];
  const rows = await db.query<{ name: string; type: string; not_null: boolean; has_default: boolean; generated: string; identity: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, a.atthasdef AS has_default,
            a.attgenerated::text AS generated, a.attidentity::text AS identity
     FROM pg_attribute a WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [quoteTable(table)],
  );
  return rows.map((r) => ({ name: r.name, type: r.type, notNull: r.not_null, hasDefault: r.has_default, generated: r.generated !== '', identityAlways: r.identity === 'a' }));
}

/** A foreign key of another table that points at `table` and does something to its own rows when a row of `table` is deleted. */
export interface ReferencingKey {
  table: string;
  onDelete: string;
}

/**
 * Foreign keys elsewhere that reference `table`. A delete that cascades (or
 * sets null/default) changes rows of other tables, which a quarantine of the
 * files row cannot hold; a restricting key makes the delete fail instead.
 */
export async function referencingKeys(db: Pick<AppDbAdapter, 'dialect'> & SqlExecutor, table: string): Promise<ReferencingKey[]> {
  const bare = table.split('.').pop() as string;
  // SQLite names are case-insensitive (ASCII, as NOCASE folds): `REFERENCES Files` points at `files` (s26d).
  if (db.dialect === 'sqlite') {
    const rows = await db.query<{ t: string; on_delete: string }>(
      `SELECT m.name AS t, f.on_delete AS on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE`,
      [bare],
    );
    return rows.map((r) => ({ table: r.t, onDelete: r.on_delete.toLowerCase() }));
  }
  const rows = await db.query<{ t: string; on_delete: string }>(
    `SELECT c.conrelid::regclass::text AS t, CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' WHEN 'r' THEN 'restrict' ELSE 'no action' END AS on_delete
     FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = to_regclass(?)`,
    [quoteTable(table)],
  );
  return rows.map((r) => ({ table: r.t, onDelete: r.on_delete }));
}

/** One foreign key of another table pointing at `table`, with its columns: what a change of the referenced key must move. */
export interface ReferencingColumns {
  /** The constraint's name (PostgreSQL; SQLite's are unnamed: the key's index in its table). */
  name: string;
  table: string;
  /** The referencing columns, in key order. */
  columns: string[];
  /** The referenced columns of `table`, in key order; empty on SQLite when the key names none (its primary key). */
  referenced: string[];
  onUpdate: string;
  /** PostgreSQL DEFERRABLE: its check can wait for the commit (SET CONSTRAINTS). SQLite: defer_foreign_keys does. */
  deferrable: boolean;
}

/** Every foreign key of another table that references `table`, with its columns and its ON UPDATE action. */
export async function referencingColumns(db: Pick<AppDbAdapter, 'dialect'> & SqlExecutor, table: string): Promise<ReferencingColumns[]> {
  const bare = table.split('.').pop() as string;
  const keys = new Map<string, ReferencingColumns>();
  const add = (name: string, t: string, from: string, to: string | null, onUpdate: string, deferrable: boolean) => {
    const key = keys.get(`${t}\u0000${name}`) ?? { name, table: t, columns: [], referenced: [], onUpdate, deferrable };
    key.columns.push(from);
    if (to !== null) key.referenced.push(to);
    keys.set(`${t}\u0000${name}`, key);
  };
  if (db.dialect === 'sqlite') {
    const rows = await db.query<{ t: string; id: number; from_col: string; to_col: string | null; on_update: string }>(
      `SELECT m.name AS t, f.id AS id, f."from" AS from_col, f."to" AS to_col, f.on_update AS on_update
       FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE ORDER BY m.name, f.id, f.seq`,
      [bare],
    );
    for (const r of rows) add(String(r.id), r.t, r.from_col, r.to_col, r.on_update.toLowerCase(), true);
    return [...keys.values()];
  }
  const rows = await db.query<{ name: string; t: string; from_col: string; to_col: string; on_update: string; deferrable: boolean }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS t, fa.attname AS from_col, ta.attname AS to_col, c.condeferrable AS deferrable,
            CASE c.confupdtype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' WHEN 'r' THEN 'restrict' ELSE 'no action' END AS on_update
     FROM pg_constraint c
     CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(from_num, to_num, n)
     JOIN pg_attribute fa ON fa.attrelid = c.conrelid AND fa.attnum = k.from_num
     JOIN pg_attribute ta ON ta.attrelid = c.confrelid AND ta.attnum = k.to_num
     WHERE c.contype = 'f' AND c.confrelid = to_regclass(?) ORDER BY c.conname, k.n`,
    [quoteTable(table)],
  );
  for (const r of rows) add(r.name, r.t, r.from_col, r.to_col, r.on_update, r.deferrable);
  return [...keys.values()];
}

/** The table's primary key columns, in key order (empty when it has none). */
export async function primaryKeyColumns(db: Pick<AppDbAdapter, 'dialect'> & SqlExecutor, table: string): Promise<string[]> {
  if (db.dialect === 'sqlite') {
    const [schema, name] = sqliteSchemaAndName(table);
    const rows = await db.query<{ name: string; pk: number }>('SELECT name, pk FROM pragma_table_info(?, ?) WHERE pk > 0 ORDER BY pk', [name as string, schema as string]);
    return rows.map((r) => r.name);
  }
  const rows = await db.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(num, n)
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
     WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY k.n`,
    [quoteTable(table)],
  );
  return rows.map((r) => r.name);
}
