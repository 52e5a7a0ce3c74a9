import type { MailSettingRow, MailSettingsUpdateInput } from '../../api/schedules';
import type { AppDbAdapter, SqlExecutor, SqlValue } from '../../appdb/adapter';
import { quoteIdent, quoteTable as table } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { isSqlTrue } from '../../appdb/sql-boolean';

/**
 * The Mail page's rows: each user's Gmail import settings with the user's
 * email and name, how many emails rows imports brought in, and the Google
 * account's needs-reconnect flag (null: never connected). One query; the
 * count reads the emails entity's (user, message) index.
 */
function settingsSql(mapping: ResolvedMapping, where: string): string {
  const { mailSettings: m, users: u, emails: e, storageAccounts: sa } = mapping;
  const q = quoteIdent;
  return `SELECT m.${q(m.columns.userId)} AS user_id, u.${q(u.columns.email)} AS email, u.${q(u.columns.name)} AS name, m.${q(m.columns.enabled)} AS enabled,
       m.${q(m.columns.intervalMinutes)} AS interval_minutes, m.${q(m.columns.historyId)} AS history_id, m.${q(m.columns.lastImportAt)} AS last_import_at,
       (SELECT count(*) FROM ${table(e.table)} e WHERE e.${q(e.columns.userId)} = m.${q(m.columns.userId)}) AS imported_count,
       sa.${q(sa.key)} AS account_id, sa.${q(sa.columns.needsReconnect)} AS needs_reconnect
     FROM ${table(m.table)} m LEFT JOIN ${table(u.table)} u ON u.${q(u.columns.id)} = m.${q(m.columns.userId)}
     LEFT JOIN ${table(sa.table)} sa ON sa.${q(sa.columns.userId)} = m.${q(m.columns.userId)} AND sa.${q(sa.columns.provider)} = ?
     ${where}`;
}

/** `mail.settings`: each user's Gmail import settings with the user's email, paged. */
export async function readMailSettings(db: AppDbAdapter, mapping: ResolvedMapping, limit: number, offset: number): Promise<{ items: MailSettingRow[]; total: number }> {
  const m = mapping.mailSettings;
  const u = mapping.users;
  const [count] = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table(m.table)}`);
  const rows = await db.query<Record<string, unknown>>(
    `${settingsSql(mapping, '')} ORDER BY u.${quoteIdent(u.columns.email)}, m.${quoteIdent(m.columns.userId)} LIMIT ? OFFSET ?`,
    ['google', limit, offset],
  );
  return { total: Number(count?.n ?? 0), items: rows.map(toRow) };
}

async function readOne(db: SqlExecutor, mapping: ResolvedMapping, userId: string): Promise<MailSettingRow | null> {
  const [row] = await db.query<Record<string, unknown>>(`${settingsSql(mapping, `WHERE m.${quoteIdent(mapping.mailSettings.columns.userId)} = ?`)}`, ['google', userId]);
  return row ? toRow(row) : null;
}

/** Why an update was refused: the user is not in the product's users table. */
export class UnknownMailUser extends Error {}

/**
 * `mail.settings.update`: writes only the switch and the interval of one
 * user's mail_settings row, never the history cursor or the last import (the
 * engine's). A user without a row gets one with the schema's defaults first
 * (as the product's own save does). Returns the row before (null: there was
 * none) and after, for the audit entry.
 */
export async function updateMailSettings(db: AppDbAdapter, mapping: ResolvedMapping, input: MailSettingsUpdateInput): Promise<{ before: MailSettingRow | null; after: MailSettingRow }> {
  const { users: u, mailSettings: m } = mapping;
  const q = quoteIdent;
  const [user] = await db.query<{ id: unknown }>(`SELECT ${q(u.columns.id)} AS id FROM ${table(u.table)} WHERE ${q(u.columns.id)} = ?`, [input.userId]);
  if (!user) throw new UnknownMailUser(`There is no user with id "${input.userId}" in the product database.`);
  // The row before is read, and a missing row created, inside the transaction that writes: two saves racing for a
  // user without a row (the switch and the interval saved at once) must not both insert it (the second failed on the key).
  return db.transaction(async (tx) => {
    const before = await readOne(tx, mapping, input.userId);
    if (!before) {
      await tx.execute(
        `INSERT INTO ${table(m.table)} (${q(m.columns.userId)}, ${q(m.columns.enabled)}, ${q(m.columns.intervalMinutes)}) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM ${table(m.table)} WHERE ${q(m.columns.userId)} = ?)`,
        [input.userId, false, 30, input.userId],
      );
    }
    const sets: string[] = [];
    const values: SqlValue[] = [];
    if (input.enabled !== undefined) {
      sets.push(`${q(m.columns.enabled)} = ?`);
      values.push(input.enabled);
    }
    if (input.intervalMinutes !== undefined) {
      sets.push(`${q(m.columns.intervalMinutes)} = ?`);
      values.push(input.intervalMinutes);
    }
    await tx.execute(`UPDATE ${table(m.table)} SET ${sets.join(', ')} WHERE ${q(m.columns.userId)} = ?`, [...values, input.userId]);
    const after = await readOne(tx, mapping, input.userId);
    if (!after) throw new Error('The mail settings row vanished while it was saved.');
    return { before, after };
  });
}

function toRow(row: Record<string, unknown>): MailSettingRow {
  return {
    userId: String(row.user_id),
    email: text(row.email),
    name: text(row.name),
    enabled: isSqlTrue(row.enabled),
    intervalMinutes: Number(row.interval_minutes ?? 30),
    historyId: text(row.history_id),
    lastImportAt: timestamp(row.last_import_at),
    importedCount: Number(row.imported_count ?? 0),
    needsReconnect: row.account_id === null || row.account_id === undefined ? null : isSqlTrue(row.needs_reconnect),
  };
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function timestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}
