import type { AppDbAdapter, Row, SqlValue } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import { keysIn } from '../../appdb/key-match';
import type { ResolvedMapping } from '../../appdb/mapping';
import type { StorageProvider } from '../../api/storage';
import { seenKey } from './seen-rows';
import { isStorageProvider, type FileRow, type StorageAccount } from './storage-model';

/** Rows per keyset chunk: a few milliseconds of synchronous SQLite work. */
const CHUNK = 2000;

/**
 * The storage-orphans engine's reads and small writes in the product
 * database, through the mapping. Per-account reads use the files index on
 * (user_id, provider, id) that `appdb init` creates (canonical-schema.ts);
 * without such an index every account would scan the whole table.
 */
export class StorageDb {
  constructor(
    readonly db: AppDbAdapter,
    readonly mapping: ResolvedMapping,
  ) {}

  /** Every storage account with its user and sync switches (a user without a settings row has auto-sync on). */
  async accounts(): Promise<StorageAccount[]> {
    const { storageAccounts: sa, users: u, userSyncSettings: s } = this.mapping;
    const a = (c: string) => `a.${quoteIdent(c)}`;
    const rows = await this.db.query(
      `SELECT ${a(sa.columns.id)} AS account_id, ${a(sa.columns.userId)} AS user_id, ${a(sa.columns.provider)} AS provider, ${a(sa.columns.needsReconnect)} AS needs_reconnect,
              u.${quoteIdent(u.columns.email)} AS email, u.${quoteIdent(u.columns.name)} AS name,
              s.${quoteIdent(s.columns.autoSync)} AS auto_sync, s.${quoteIdent(s.columns.deleteAfterSync)} AS delete_after_sync
       FROM ${quoteTable(sa.table)} a
       LEFT JOIN ${quoteTable(u.table)} u ON u.${quoteIdent(u.columns.id)} = ${a(sa.columns.userId)}
       LEFT JOIN ${quoteTable(s.table)} s ON s.${quoteIdent(s.columns.userId)} = ${a(sa.columns.userId)}
       ORDER BY ${a(sa.columns.userId)}, ${a(sa.columns.provider)}`,
    );
    return rows
      .filter((r) => isStorageProvider(r.provider))
      .map((r) => ({
        accountId: String(r.account_id),
        userId: String(r.user_id),
        provider: r.provider as StorageProvider,
        email: r.email == null ? null : String(r.email),
        name: r.name == null ? null : String(r.name),
        autoSync: r.auto_sync == null ? true : truthy(r.auto_sync),
        deleteAfterSync: r.delete_after_sync == null ? false : truthy(r.delete_after_sync),
        needsReconnect: truthy(r.needs_reconnect),
      }));
  }

  /** One account's file rows in keyset chunks (by id): bounded memory at any size (what probing reads). */
  async *accountRows(userId: string, provider: StorageProvider): AsyncGenerator<FileRow[]> {
    const f = this.mapping.files;
    const c = f.columns;
    const base = `SELECT ${quoteIdent(c.id)} AS id, ${quoteIdent(c.providerFileId)} AS pid, ${quoteIdent(c.name)} AS name, ${quoteIdent(c.size)} AS size FROM ${quoteTable(f.table)}
      WHERE ${quoteIdent(c.userId)} = ? AND ${quoteIdent(c.provider)} = ?`;
    let after: SqlValue | undefined;
    for (;;) {
      const rows = await this.db.query(`${base}${after === undefined ? '' : ` AND ${quoteIdent(c.id)} > ?`} ORDER BY ${quoteIdent(c.id)} LIMIT ${CHUNK}`, after === undefined ? [userId, provider] : [userId, provider, after]);
      if (rows.length === 0) return;
      yield rows.map((r) => toFileRow(r, userId, provider));
      if (rows.length < CHUNK) return;
      after = lastKey(rows);
    }
  }

  /**
   * One account's (row id, cloud id) pairs from the covering index, in keyset chunks, as the driver returns
   * them: the diff's hot loop, so no per-row object is built on top.
   */
  async *accountIds(userId: string, provider: StorageProvider): AsyncGenerator<{ id: string; pid: string }[]> {
    const { first, next, chunk } = this.diffSql();
    let after: SqlValue | undefined;
    for (;;) {
      const rows = await this.db.query<{ id: string; pid: string }>(after === undefined ? first : next, after === undefined ? [userId, provider] : [userId, provider, after]);
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < chunk) return;
      after = lastKey(rows);
    }
  }

  /**
   * The diff's reads, for whoever runs them (this connection, or the diff thread's own, listing-diff.ts). The keyset
   * reads of accountIds: `first` binds (user id, provider), `next` binds the last id read as well, as it was read
   * (lastKey); a chunk shorter than `chunk` rows is the last. `byKey` reads one row of the account (id, user id, provider)
   * in readFileRow's columns by its id bound exactly as a keyset read returned it (a bigint, text, a blob): the
   * thread's read of a drifted row.
   */
  diffSql(): { first: string; next: string; chunk: number; nullKey: string; byKey: string } {
    const f = this.mapping.files;
    const c = f.columns;
    const base = `SELECT ${quoteIdent(c.id)} AS id, ${quoteIdent(c.providerFileId)} AS pid FROM ${quoteTable(f.table)} WHERE ${quoteIdent(c.userId)} = ? AND ${quoteIdent(c.provider)} = ?`;
    const order = ` ORDER BY ${quoteIdent(c.id)} LIMIT ${CHUNK}`;
    const byKey = `SELECT ${this.fileRowColumns()} FROM ${quoteTable(f.table)} WHERE ${quoteIdent(c.id)} = ? AND ${quoteIdent(c.userId)} = ? AND ${quoteIdent(c.provider)} = ?`;
    return { first: `${base}${order}`, next: `${base} AND ${quoteIdent(c.id)} > ?${order}`, chunk: CHUNK, nullKey: NULL_KEY, byKey };
  }

  /** The columns readFileRow takes. */
  private fileRowColumns(): string {
    const c = this.mapping.files.columns;
    return `${quoteIdent(c.id)} AS id, ${quoteIdent(c.userId)} AS user_id, ${quoteIdent(c.provider)} AS provider, ${quoteIdent(c.providerFileId)} AS pid, ${quoteIdent(c.name)} AS name, ${quoteIdent(c.size)} AS size`;
  }

  /** Rows of one account whose cloud id is one of these. */
  rowsByProviderIds(userId: string, provider: StorageProvider, providerFileIds: readonly string[]): Promise<FileRow[]> {
    return this.rowsWhere(userId, provider, this.mapping.files.columns.providerFileId, providerFileIds);
  }

  /**
   * This account's rows among these (row id, cloud id) pairs as a diff or a pass saw them, each once (ownRows): what
   * findings and probes are made of. The account is matched by the database itself, with the columns' own collation
   * (a user_id declared COLLATE NOCASE holds 'ADA' for 'ada'), as the account's keyset reads matched it.
   */
  async accountRowsByKeys(userId: string, provider: StorageProvider, keys: readonly SeenRowKey[]): Promise<FileRow[]> {
    return ownRows(await this.rowsByIds([...new Set(keys.map((k) => k.id))], { userId, provider }), keys);
  }

  /** Rows by files row id, whatever the id column's declared type (keysIn); of one account when `account` is given. */
  async rowsByIds(ids: readonly string[], account?: { userId: string; provider: StorageProvider }): Promise<FileRow[]> {
    const f = this.mapping.files;
    const c = f.columns;
    const out: FileRow[] = [];
    const asked = new Set(ids);
    const scope = account ? ` AND ${quoteIdent(c.userId)} = ? AND ${quoteIdent(c.provider)} = ?` : '';
    for (let at = 0; at < ids.length; at += 500) {
      const match = keysIn(this.db.dialect, c.id, ids.slice(at, at + 500));
      const rows = await this.db.query(`SELECT ${this.fileRowColumns()} FROM ${quoteTable(f.table)} WHERE ${match.sql}${scope}`, account ? [...match.params, account.userId, account.provider] : match.params);
      for (const r of rows) {
        const row = asked.has(String(r.id)) ? readFileRow(r, account) : undefined;
        if (row) out.push(row);
      }
    }
    return out;
  }

  /** One account's rows, counted through the files index up to `cap` (the count is min(rows, cap)): the cost model's input. */
  async countAccountRows(userId: string, provider: StorageProvider, cap = Number.MAX_SAFE_INTEGER): Promise<number> {
    const c = this.mapping.files.columns;
    const [row] = await this.db.query(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${quoteTable(this.mapping.files.table)} WHERE ${quoteIdent(c.userId)} = ? AND ${quoteIdent(c.provider)} = ? LIMIT ?) AS capped`,
      [userId, provider, cap],
    );
    return Number(row?.n ?? 0);
  }

  /** A user's file rows over every provider (the §4.3 limit is a share of these). */
  async userFileCount(userId: string): Promise<number> {
    const f = this.mapping.files;
    const [row] = await this.db.query(`SELECT COUNT(*) AS n FROM ${quoteTable(f.table)} WHERE ${quoteIdent(f.columns.userId)} = ?`, [userId]);
    return Number(row?.n ?? 0);
  }

  /** Sets or clears the product's "needs reconnect" flag of one storage account. */
  async setNeedsReconnect(accountId: string, value: boolean): Promise<void> {
    const sa = this.mapping.storageAccounts;
    const flag: SqlValue = this.db.dialect === 'sqlite' ? (value ? 1 : 0) : value;
    await this.db.execute(`UPDATE ${quoteTable(sa.table)} SET ${quoteIdent(sa.columns.needsReconnect)} = ? WHERE ${quoteIdent(sa.key)} = ?`, [flag, accountId]);
  }

  private async rowsWhere(userId: string, provider: StorageProvider, column: string, values: readonly string[]): Promise<FileRow[]> {
    const f = this.mapping.files;
    const c = f.columns;
    const out: FileRow[] = [];
    const target = quoteIdent(column);
    for (let at = 0; at < values.length; at += 500) {
      const chunk = values.slice(at, at + 500);
      const rows = await this.db.query(
        `SELECT ${quoteIdent(c.id)} AS id, ${quoteIdent(c.providerFileId)} AS pid, ${quoteIdent(c.name)} AS name, ${quoteIdent(c.size)} AS size FROM ${quoteTable(f.table)}
         WHERE ${quoteIdent(c.userId)} = ? AND ${quoteIdent(c.provider)} = ? AND ${target} IN (${chunk.map(() => '?').join(', ')})`,
        [userId, provider, ...chunk],
      );
      out.push(...rows.map((r) => toFileRow(r, userId, provider)));
    }
    return out;
  }
}

/** A files row as a diff or a pass saw it: its id and its cloud file id, as text (seenKey's parts). */
export interface SeenRowKey {
  id: string;
  pid: string;
}

/**
 * The rows among these (one account's, as read) that were seen as one of `keys`, each once. Ids travel as text, and
 * two rows' ids can read the same (7 and '7', NULL and 'null'): a row read back by id is the row that was seen only
 * if its cloud file is that row's too. Without this a live row whose id read like a gone one's was reported, and
 * quarantined, in its place (s22 attack).
 */
export function ownRows(rows: readonly FileRow[], keys: readonly SeenRowKey[]): FileRow[] {
  const wanted = new Set(keys.map((k) => seenKey(k.id, k.pid)));
  return rows.filter((row) => wanted.delete(seenKey(row.id, row.providerFileId)));
}

/** Said by every keyset read of file rows that meets a chunk ending in a row without an id (the diff thread's too). */
export const NULL_KEY = 'The files table has more than a chunk of rows of one account without an id: every file row needs one.';

/**
 * The keyset's next bound: the last id as the driver read it, never as text. In a SQLite column declared with no
 * type nothing converts, and every integer sorts below every text and every blob above it: bound as text, the
 * integers after the first chunk were skipped, and a chunk of blob ids was read again for ever (s21 attack).
 */
function lastKey(rows: readonly Row[]): SqlValue {
  const id = rows[rows.length - 1]?.id;
  // `id > NULL` matches nothing: the rows after a chunk of NULL ids (SQLite allows them in a non-integer key) would be skipped.
  if (id === null || id === undefined) throw new Error(NULL_KEY);
  return id as SqlValue;
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 't' || v === 'true' || v === 1n;

/**
 * A row read in fileRowColumns, as the engine takes it; undefined for a provider it does not check. Read within an
 * account (its user id and provider matched by the database, in the columns' own collation), it is that account's
 * row, as the account's keyset reads give it: 'ADA' in a COLLATE NOCASE column is the account 'ada' (s22b attack).
 */
export function readFileRow(r: Row, account?: { userId: string; provider: StorageProvider }): FileRow | undefined {
  if (account) return toFileRow(r, account.userId, account.provider);
  return isStorageProvider(r.provider) ? toFileRow(r, String(r.user_id), r.provider) : undefined;
}

function toFileRow(r: Row, userId: string, provider: StorageProvider): FileRow {
  return { id: String(r.id), userId, provider, providerFileId: String(r.pid), name: r.name == null ? null : String(r.name), size: r.size == null ? null : Number(r.size) };
}
