import type { AppDbAdapter, SqlValue } from '../../core/appdb/adapter';
import type { WorldOptions } from './storage-orphans.setup';

/**
 * A product's own files tables, richer than the canonical one (DESIGN §4.3 is about these): extra NOT NULL,
 * defaulted, JSON, binary, generated and identity columns, and hostile values in them.
 */
export const SQLITE_FILES = `CREATE TABLE files (
  id TEXT PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size INTEGER, created_at TEXT,
  folder_id TEXT NOT NULL, checksum BLOB NOT NULL, meta TEXT NOT NULL DEFAULT '{"v":1}' CHECK (json_valid(meta)), version INTEGER NOT NULL DEFAULT 7,
  score REAL, big INTEGER, loose, added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  name_lower TEXT GENERATED ALWAYS AS (lower(name)) STORED, UNIQUE (provider, provider_file_id))`;
export const PG_FILES = `CREATE TABLE files (
  id text PRIMARY KEY, user_id text NOT NULL, provider text NOT NULL, provider_file_id text NOT NULL, name text, size bigint, created_at timestamptz,
  folder_id uuid NOT NULL, checksum bytea NOT NULL, meta jsonb NOT NULL DEFAULT '{"v":1}'::jsonb, raw_json json, version integer NOT NULL DEFAULT 7,
  price numeric(12,4), score double precision, big bigint, tags text[], added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  seq bigint GENERATED ALWAYS AS IDENTITY, name_lower text GENERATED ALWAYS AS (lower(name)) STORED, UNIQUE (provider, provider_file_id))`;

/** Hostile values: 2^53+1, 0.1, unicode and emoji JSON, bytes 00 and FF, a typeless SQLite column holding every storage class. */
const LOOSE: SqlValue[] = [2.5, '007', Buffer.from([0, 255, 1]), 42, null];
export const sqliteExtras: WorldOptions['fileExtras'] = {
  columns: ['folder_id', 'checksum', 'meta', 'score', 'big', 'loose'],
  values: (pid, i) => [`fld-${i % 3}`, Buffer.from([i, 0, 255, 10]), JSON.stringify({ pid, tags: ['ü', '😀'], n: i }), i / 10, BigInt('9007199254740993') + BigInt(i), LOOSE[i % LOOSE.length] as SqlValue],
};
export const pgExtras: WorldOptions['fileExtras'] = {
  columns: ['folder_id', 'checksum', 'meta', 'raw_json', 'price', 'score', 'big', 'tags'],
  values: (pid, i) => [`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, Buffer.from([i, 0, 255, 10]), JSON.stringify({ pid, tags: ['ü', '😀'], n: i }), `{ "spaced" : [1, 2.50] , "pid": "${pid}" }`, '12.3400', 0.1 + i, '9007199254740993', `{a,"b c",ü}`],
};

/** Every column of every files row: value (hex / text form) and type (SQLite storage class / PostgreSQL type), by id. */
export async function snapshot(db: AppDbAdapter): Promise<Map<string, Record<string, unknown>>> {
  const cols =
    db.dialect === 'sqlite'
      ? (await db.query<{ name: string }>(`SELECT name FROM pragma_table_xinfo('files') ORDER BY cid`)).map((r) => r.name)
      : (await db.query<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'files' ORDER BY ordinal_position`)).map((r) => r.name);
  const select = cols.map((c, i) => (db.dialect === 'sqlite' ? `typeof("${c}") AS "t${i}", hex("${c}") AS "v${i}"` : `pg_typeof("${c}")::text AS "t${i}", "${c}"::text AS "v${i}"`)).join(', ');
  const rows = await db.query(`SELECT id AS "rowId", ${select} FROM files`);
  return new Map(rows.map((r) => [String(r.rowId), Object.fromEntries(cols.map((c, i) => [c, [r[`t${i}`], r[`v${i}`]]]))]));
}

