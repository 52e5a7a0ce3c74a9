import type { MailSettingRow } from '../../api/schedules';
import type { AppDbAdapter } from '../../appdb/adapter';
import { quoteIdent, quoteTable as table } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { isSqlTrue } from '../../appdb/sql-boolean';

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
      enabled: isSqlTrue(row.enabled),
      intervalMinutes: Number(row.interval_minutes ?? 30),
      historyId: row.history_id === null || row.history_id === undefined ? null : String(row.history_id),
      lastImportAt: timestamp(row.last_import_at),
    })),
  };
}

function timestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}
