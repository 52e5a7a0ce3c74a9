import type { SheetColumn, SheetColumnType } from '../../api/sheets';
import type { AppDbAdapter, SqlExecutor } from '../../appdb/adapter';
import { quoteIdent } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';

/**
 * The cache table and its atomic replacement. An import writes a staging
 * table `<target>__next` in batched transactions, then one transaction drops
 * the old table and renames the staging table into its place. SQLite and
 * PostgreSQL both run DDL inside a transaction, so readers see either the
 * whole old cache or the whole new one; a failure or cancel at any point
 * before that commit leaves the old table untouched (the staging table is
 * dropped, and dropped again at the next import's start if a crash left it).
 */
export const ROW_COLUMN = '_sheet_row';
export const STAGING_SUFFIX = '__next';
/** Engine state: every table an import created, so a target that exists but is not ours is refused. */
export const OWNED_TABLES = 'owned-tables';

const TYPES: Record<AppDbAdapter['dialect'], Record<SheetColumnType, string>> = {
  sqlite: { text: 'TEXT', integer: 'INTEGER', number: 'REAL', boolean: 'INTEGER', date: 'TEXT' },
  postgres: { text: 'text', integer: 'bigint', number: 'double precision', boolean: 'boolean', date: 'text' },
};

function stagingName(target: string): string {
  return `${target}${STAGING_SUFFIX}`;
}

/**
 * Refuses a target that would destroy data this engine does not own: a table
 * of the product's canonical schema (under its mapped name), or any existing
 * table no sheet import created. `owned` lists the tables earlier imports made.
 */
export async function assertTargetIsOurs(db: AppDbAdapter, mapping: ResolvedMapping, target: string, owned: readonly string[]): Promise<void> {
  const lower = target.toLowerCase();
  const product = Object.values(mapping).map((entity) => entity.table.toLowerCase());
  if (product.includes(lower)) {
    throw new Error(`The target table “${target}” is one of the product's own tables: choose another cache table for this source.`);
  }
  if (owned.some((t) => t.toLowerCase() === lower)) return;
  const existing = await db.describeTables([target]);
  if (existing.size > 0) {
    throw new Error(`The table “${target}” already exists and was not created by a sheet import: choose another cache table, or drop that table yourself if it is no longer needed.`);
  }
}

/** Drops a staging table left by an earlier failed import, then creates a fresh one. */
export async function createStaging(db: AppDbAdapter, target: string, columns: readonly SheetColumn[]): Promise<string> {
  const staging = stagingName(target);
  // PostgreSQL keeps an index's name through a table rename, so a primary key named after
  // `__next` would collide at the next import: only SQLite (rowid alias, no index) gets one.
  const rowColumn = db.dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'bigint NOT NULL';
  const defs = [`${quoteIdent(ROW_COLUMN)} ${rowColumn}`, ...columns.map((c) => `${quoteIdent(c.column)} ${TYPES[db.dialect][c.type]}`)];
  await db.transaction(async (tx) => {
    await tx.execute(`DROP TABLE IF EXISTS ${quoteIdent(staging)}`);
    await tx.execute(`CREATE TABLE ${quoteIdent(staging)} (${defs.join(', ')})`);
  });
  return staging;
}

export function insertSql(staging: string, columns: readonly SheetColumn[]): string {
  const names = [ROW_COLUMN, ...columns.map((c) => c.column)].map(quoteIdent);
  return `INSERT INTO ${quoteIdent(staging)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
}

/**
 * How long the swap waits for the old cache table's lock on PostgreSQL.
 * DROP TABLE needs an ACCESS EXCLUSIVE lock, which waits for every open
 * transaction that has read the table; while it waits, new readers queue
 * behind it. Without a limit one idle-in-transaction reader would hang the
 * import, and every reader after it, forever.
 */
const SWAP_LOCK_TIMEOUT_MS = 5000;
const LOCK_NOT_AVAILABLE = '55P03';

/** The swap gave up waiting for readers of the old cache; nothing changed (code `cache-in-use`). */
class CacheInUseError extends Error {
  readonly code = 'cache-in-use';

  constructor(table: string, holders: string, options: { cause: unknown }) {
    super(
      `The cache table “${table}” is in use by ${holders}, so it could not be replaced within ${SWAP_LOCK_TIMEOUT_MS / 1000} s. ` +
        'The previous cache is unchanged. Try again when that session has finished (or end it).',
      options,
    );
    this.name = 'CacheInUseError';
  }
}

/** The one transaction that makes the new cache visible. */
export async function swapIn(db: AppDbAdapter, target: string): Promise<void> {
  try {
    await db.transaction(async (tx: SqlExecutor) => {
      // SET LOCAL ends with this transaction, so the limit never leaks to the adapter's other work.
      if (db.dialect === 'postgres') await tx.execute(`SET LOCAL lock_timeout = '${SWAP_LOCK_TIMEOUT_MS}ms'`);
      await tx.execute(`DROP TABLE IF EXISTS ${quoteIdent(target)}`);
      await tx.execute(`ALTER TABLE ${quoteIdent(stagingName(target))} RENAME TO ${quoteIdent(target)}`);
    });
  } catch (error) {
    if (db.dialect === 'postgres' && (error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) {
      throw new CacheInUseError(target, await describeLockHolders(db, target), { cause: error });
    }
    throw error;
  }
}

/** Who holds a lock on the table, as the admin can find them (pid, application, user, state, query). */
async function describeLockHolders(db: AppDbAdapter, table: string): Promise<string> {
  const rows = await db
    .query<{ pid: number; app: string | null; usename: string | null; state: string | null; query: string | null }>(
      `SELECT DISTINCT a.pid, a.application_name AS app, a.usename, a.state, left(a.query, 80) AS query
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.relation = to_regclass(?) AND l.granted AND a.pid <> pg_backend_pid()`,
      [quoteIdent(table)],
    )
    .catch(() => []);
  if (rows.length === 0) return 'another session';
  return rows
    .map((r) => {
      const parts = [r.app ? `“${r.app}”` : '', r.usename ? `user ${r.usename}` : '', r.state ?? '', r.query ? `last query: ${r.query}` : ''].filter(Boolean);
      return `session ${r.pid}${parts.length ? ` (${parts.join(', ')})` : ''}`;
    })
    .join(' and ');
}

/** Best effort after a failure: the old cache is untouched either way. */
export async function dropStaging(db: AppDbAdapter, target: string): Promise<void> {
  await db.execute(`DROP TABLE IF EXISTS ${quoteIdent(stagingName(target))}`).catch(() => undefined);
}

/**
 * Which physical table holds the cache now: SQLite's root page, PostgreSQL's
 * oid (undefined when there is none). A swap always puts a newly created
 * table in place, so on PostgreSQL a check that sees the same identity before
 * and after read one cache throughout. On SQLite a root page is not enough
 * (auto_vacuum moves the renamed table into the dropped one's page, and a
 * second swap may reuse a freed page): `schemaVersion` covers that.
 */
export async function cacheIdentity(db: AppDbAdapter, target: string): Promise<string | undefined> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.query<{ id: unknown }>(`SELECT rootpage AS id FROM sqlite_master WHERE type = 'table' AND name = ?`, [target])
      : await db.query<{ id: unknown }>(`SELECT to_regclass(?)::oid AS id`, [quoteIdent(target)]);
  const id = rows[0]?.id;
  return id === null || id === undefined || id === 0 || id === '0' ? undefined : String(id);
}

/**
 * SQLite's schema cookie, bumped by every committed schema change and never
 * reused (undefined on PostgreSQL, whose oids identify a table). Unchanged
 * over a check means no swap happened meanwhile, whatever the root pages say.
 */
export async function schemaVersion(db: AppDbAdapter): Promise<number | undefined> {
  if (db.dialect !== 'sqlite') return undefined;
  const rows = await db.query<{ schema_version: unknown }>('PRAGMA schema_version');
  return Number(rows[0]?.schema_version);
}
