import type { AppDbAdapter } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { isSqlTrue } from '../../appdb/sql-boolean';
import type { EngineSchedulePolicy, PerUserSetting } from '../engine-policies';

/**
 * Storage checks are scheduled per user by the product's `user_sync_settings`
 * (auto-sync, interval, delete-after-sync), for users with a connected storage
 * account only: a user without one has nothing to check. A user with an
 * account but no settings row gets the canonical defaults (auto-sync on,
 * every 6 hours). A scheduled run checks unless the schedule says otherwise,
 * and its `autoRepair` (a user's delete-after-sync) repairs inside the guard.
 */
export const storageSchedule: EngineSchedulePolicy = {
  autoRepair: true,
  paramsFor: (base) => ({ ...base, mode: base.mode ?? 'check' }),
  perUser: {
    page: storageSettingsPage,
    defaultIntervalMinutes: 360,
  },
};

type StorageRow = { user_id: unknown; auto_sync: unknown; interval_minutes: unknown; delete_after_sync: unknown };

async function storageSettingsPage(db: AppDbAdapter, mapping: ResolvedMapping, after: string | null, limit: number): Promise<PerUserSetting[]> {
  const a = mapping.storageAccounts;
  const s = mapping.userSyncSettings;
  const userId = `a.${quoteIdent(a.columns.userId)}`;
  const where = after === null ? '' : `WHERE ${userId} > ?`;
  // At most one settings row per user; DISTINCT folds a user's several accounts into one schedule.
  const rows = await db.query<StorageRow>(
    `SELECT DISTINCT ${userId} AS user_id, s.${quoteIdent(s.columns.autoSync)} AS auto_sync,
        s.${quoteIdent(s.columns.syncIntervalMinutes)} AS interval_minutes, s.${quoteIdent(s.columns.deleteAfterSync)} AS delete_after_sync
      FROM ${quoteTable(a.table)} a LEFT JOIN ${quoteTable(s.table)} s ON s.${quoteIdent(s.columns.userId)} = ${userId}
      ${where} ORDER BY user_id LIMIT ${limit}`,
    after === null ? [] : [after],
  );
  return rows.map((row) => ({
    userId: String(row.user_id),
    enabled: row.auto_sync === null || row.auto_sync === undefined ? true : isSqlTrue(row.auto_sync),
    intervalMinutes: row.interval_minutes,
    autoRepair: isSqlTrue(row.delete_after_sync),
  }));
}
