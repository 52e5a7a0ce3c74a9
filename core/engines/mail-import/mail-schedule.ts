import type { AppDbAdapter } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { isSqlTrue } from '../../appdb/sql-boolean';
import type { EngineSchedulePolicy, PerUserSetting } from '../engine-policies';

/**
 * Mail import is scheduled per user by the product itself: each row of
 * `mail_settings` (enabled + interval minutes) is one schedule. A scheduled
 * run imports unless its schedule asks for a check (which writes nothing, so
 * it must never be turned into an import); `autoRepair` is passed on, as the
 * engines' convention has it, though an import has nothing to repair.
 */
export const mailSchedule: EngineSchedulePolicy = {
  autoRepair: true,
  paramsFor: (base) => ({ ...base, mode: base.mode ?? 'import' }),
  perUser: {
    page: mailSettingsPage,
    // The canonical schema's default interval of mail_settings.
    defaultIntervalMinutes: 30,
    // Seed 003's per-user auto-sync (run_auto_sync per user in pg_cron) is the mail import.
    replacesCronAutoSync: true,
  },
};

async function mailSettingsPage(db: AppDbAdapter, mapping: ResolvedMapping, after: string | null, limit: number): Promise<PerUserSetting[]> {
  const m = mapping.mailSettings;
  const userId = quoteIdent(m.columns.userId);
  const where = after === null ? '' : `WHERE ${userId} > ?`;
  const rows = await db.query<{ user_id: unknown; enabled: unknown; interval_minutes: unknown }>(
    `SELECT ${userId} AS user_id, ${quoteIdent(m.columns.enabled)} AS enabled, ${quoteIdent(m.columns.intervalMinutes)} AS interval_minutes
      FROM ${quoteTable(m.table)} ${where} ORDER BY ${userId} LIMIT ${limit}`,
    after === null ? [] : [after],
  );
  return rows.map((row) => ({ userId: String(row.user_id), enabled: isSqlTrue(row.enabled), intervalMinutes: row.interval_minutes, autoRepair: false }));
}
