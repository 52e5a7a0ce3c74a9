import type { MailSettingRow } from '../api/schedules';
import { MAX_INTERVAL_MINUTES } from '../api/schedules';
import type { AppDbAdapter } from '../appdb/adapter';
import { quoteIdent, quoteTable as table } from '../appdb/identifiers';
import type { ResolvedMapping } from '../appdb/mapping';
import { ProductDbUnavailable, type ProductDbAccess } from '../appdb/product-db';
import { yieldToEventLoop } from '../runs/cooperative';
import type { DerivedSchedule } from '../store/schedules.repo';
import type { DerivedScheduleSource } from './scheduler';

/** Storage defaults of the canonical schema: a user without a user_sync_settings row has auto-sync on, every 6 hours. */
const STORAGE_DEFAULT_INTERVAL = 360;

/**
 * The per-user schedules of the product database, for the engines this
 * console has, re-read once a minute. The connection stays open between
 * reads (reopened when its settings change). On SQLite, `PRAGMA
 * data_version` tells whether any other connection committed since the last
 * read, so an unchanged product costs one pragma, not 10,000 rows; the same
 * list is then handed back, which the scheduler takes as "unchanged".
 * PostgreSQL has no such cheap signal: every minute is a full read. None
 * (or several: the console refuses to guess) means no per-user schedules.
 */
export function appDbScheduleSource(connections: Pick<ProductDbAccess, 'appDbConnection' | 'openAppDb'>, hasEngine: (id: string) => boolean): DerivedScheduleSource {
  let open: { key: string; db: AppDbAdapter; mapping: ResolvedMapping } | null = null;
  let last: { version: number; schedules: DerivedSchedule[] } | null = null;
  const close = async () => {
    const current = open;
    open = null;
    last = null;
    await current?.db.close();
  };
  return {
    async read() {
      const connection = single(connections);
      if (!connection) {
        await close();
        return null;
      }
      const key = `${connection.id}:${connection.updatedAt}`;
      if (open?.key !== key) {
        await close();
        const { db, mapping } = await connections.openAppDb(connection);
        open = { key, db, mapping };
      }
      const { db, mapping } = open;
      try {
        const version = db.dialect === 'sqlite' ? Number((await db.query<{ data_version: number }>('PRAGMA data_version'))[0]?.data_version) : NaN;
        if (last && version === last.version) return last.schedules;
        const schedules = await readDerivedSchedules(db, mapping, hasEngine);
        last = Number.isFinite(version) ? { version, schedules } : null;
        return schedules;
      } catch (error) {
        await close(); // a broken connection is reopened on the next read
        throw error;
      }
    },
    close,
  };
}

/** The one product-database connection, or null when there is none or several. */
function single(connections: Pick<ProductDbAccess, 'appDbConnection'>): ReturnType<ProductDbAccess['appDbConnection']> | null {
  try {
    return connections.appDbConnection();
  } catch (error) {
    if (error instanceof ProductDbUnavailable) return null;
    throw error;
  }
}

export async function readDerivedSchedules(db: AppDbAdapter, mapping: ResolvedMapping, hasEngine: (id: string) => boolean): Promise<DerivedSchedule[]> {
  const out: DerivedSchedule[] = [];
  if (hasEngine('mail-import')) {
    const m = mapping.mailSettings;
    const userId = quoteIdent(m.columns.userId);
    const sql = (where: string) => `SELECT ${userId} AS user_id, ${quoteIdent(m.columns.enabled)} AS enabled, ${quoteIdent(m.columns.intervalMinutes)} AS interval_minutes
      FROM ${table(m.table)} ${where} ORDER BY ${userId} LIMIT ${CHUNK}`;
    const [first, next] = [sql(''), sql(`WHERE ${userId} > ?`)];
    for await (const rows of pages((after) => db.query<{ user_id: unknown; enabled: unknown; interval_minutes: unknown }>(after === null ? first : next, after === null ? [] : [after]))) {
      for (const row of rows) out.push(derived('mail-import', String(row.user_id), truthy(row.enabled), minutes(row.interval_minutes, 30), false));
    }
  }
  if (hasEngine('storage-orphans')) {
    const a = mapping.storageAccounts;
    const s = mapping.userSyncSettings;
    const userId = `a.${quoteIdent(a.columns.userId)}`;
    // Only users with a connected storage account have anything to check; at most one settings row per user.
    const sql = (where: string) => `SELECT DISTINCT ${userId} AS user_id, s.${quoteIdent(s.columns.autoSync)} AS auto_sync,
        s.${quoteIdent(s.columns.syncIntervalMinutes)} AS interval_minutes, s.${quoteIdent(s.columns.deleteAfterSync)} AS delete_after_sync
      FROM ${table(a.table)} a LEFT JOIN ${table(s.table)} s ON s.${quoteIdent(s.columns.userId)} = ${userId}
      ${where} ORDER BY user_id LIMIT ${CHUNK}`;
    const [first, next] = [sql(''), sql(`WHERE ${userId} > ?`)];
    type StorageRow = { user_id: unknown; auto_sync: unknown; interval_minutes: unknown; delete_after_sync: unknown };
    for await (const rows of pages((after) => db.query<StorageRow>(after === null ? first : next, after === null ? [] : [after]))) {
      for (const row of rows) {
        const autoSync = row.auto_sync === null || row.auto_sync === undefined ? true : truthy(row.auto_sync);
        out.push(derived('storage-orphans', String(row.user_id), autoSync, minutes(row.interval_minutes, STORAGE_DEFAULT_INTERVAL), truthy(row.delete_after_sync)));
      }
    }
  }
  return out;
}

/** Rows per product-database query: each page is a short query, and the host gets a turn between pages. */
const CHUNK = 2000;

/** Keyset pages by user id (`user_id > last`), yielding to the event loop between pages. */
async function* pages<T extends { user_id: unknown }>(fetch: (after: string | null) => Promise<T[]>): AsyncGenerator<T[]> {
  for (let after: string | null = null; ; ) {
    const rows = await fetch(after);
    if (rows.length) yield rows;
    if (rows.length < CHUNK) return;
    after = String((rows[rows.length - 1] as T).user_id);
    await yieldToEventLoop();
  }
}

/** `mail.settings`: each user's Gmail import settings with the user's email, paged. */
export async function readMailSettings(db: AppDbAdapter, mapping: ResolvedMapping, limit: number, offset: number): Promise<{ items: MailSettingRow[]; total: number }> {
  const m = mapping.mailSettings;
  const u = mapping.users;
  const [count] = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table(m.table)}`);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT m.${quoteIdent(m.columns.userId)} AS user_id, u.${quoteIdent(u.columns.email)} AS email, m.${quoteIdent(m.columns.enabled)} AS enabled,
       m.${quoteIdent(m.columns.intervalMinutes)} AS interval_minutes, m.${quoteIdent(m.columns.historyId)} AS history_id, m.${quoteIdent(m.columns.lastImportAt)} AS last_import_at
     FROM ${table(m.table)} m LEFT JOIN ${table(u.table)} u ON u.${quoteIdent(u.columns.id)} = m.${quoteIdent(m.columns.userId)}
     ORDER BY u.${quoteIdent(u.columns.email)}, m.${quoteIdent(m.columns.userId)} LIMIT ? OFFSET ?`,
    [limit, offset],
  );
  return {
    total: Number(count?.n ?? 0),
    items: rows.map((row) => ({
      userId: String(row.user_id),
      email: row.email === null || row.email === undefined ? null : String(row.email),
      enabled: truthy(row.enabled),
      intervalMinutes: Number(row.interval_minutes ?? 30),
      historyId: row.history_id === null || row.history_id === undefined ? null : String(row.history_id),
      lastImportAt: timestamp(row.last_import_at),
    })),
  };
}

function derived(engine: string, userId: string, enabled: boolean, intervalMinutes: number, autoRepair: boolean): DerivedSchedule {
  return {
    sourceKey: `${engine}:${userId}`,
    engine,
    scope: { kind: 'user', userId },
    trigger: { kind: 'interval', minutes: intervalMinutes },
    timeZone: 'UTC',
    enabled,
    autoRepair,
    params: {},
  };
}

/** A product may store nonsense (0, -5, null): clamp into what the scheduler accepts rather than drop the user. */
function minutes(value: unknown, fallback: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1) return fallback;
  return Math.min(Math.round(n), MAX_INTERVAL_MINUTES);
}

/** SQLite gives 0/1, PostgreSQL true/false. */
function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true' || value === 1n;
}

function timestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}
