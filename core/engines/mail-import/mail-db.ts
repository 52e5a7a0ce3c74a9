import type { AppDbAdapter, SqlValue } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { isSqlTrue } from '../../appdb/sql-boolean';
import { yieldToEventLoop } from '../../base/cooperative';
import { timeOrderedId } from './mail-ids';
import type { EmailRow, MailUser } from './mail-model';

/** Lookups stay under SQLite's and PostgreSQL's parameter limits. */
const LOOKUP_CHUNK = 500;
/** Rows per synchronous SQLite step (about 2 ms under load, measured); the transaction still spans the batch. */
const INSERT_SLICE = 100;

/**
 * The engine's only door to the product database: users with their mail
 * settings and Google account, the emails entity, the history cursor and the
 * needs-reconnect flag. Every name goes through the admin's mapping and is
 * quoted; values are bound.
 */
export class MailDb {
  constructor(
    readonly db: AppDbAdapter,
    private readonly mapping: ResolvedMapping,
  ) {}

  /** One user (whatever their settings say: the admin asked), or every user whose mail import is enabled. */
  async users(userId?: string): Promise<MailUser[]> {
    const { users: u, mailSettings: ms, storageAccounts: sa } = this.mapping;
    const col = (alias: string, name: string) => `${alias}.${quoteIdent(name)}`;
    const sql = [
      `SELECT ${col('u', u.columns.id)} AS user_id, ${col('u', u.columns.email)} AS email,`,
      `${col('ms', ms.columns.userId)} AS settings_user, ${col('ms', ms.columns.historyId)} AS history_id, ${col('sa', sa.key)} AS account_id,`,
      `${col('sa', sa.columns.needsReconnect)} AS needs_reconnect, ${col('ms', ms.columns.enabled)} AS import_enabled`,
      `FROM ${quoteTable(u.table)} u`,
      `LEFT JOIN ${quoteTable(ms.table)} ms ON ${col('ms', ms.columns.userId)} = ${col('u', u.columns.id)}`,
      // Unique (userId, provider): at most one Google account per user.
      `LEFT JOIN ${quoteTable(sa.table)} sa ON ${col('sa', sa.columns.userId)} = ${col('u', u.columns.id)} AND ${col('sa', sa.columns.provider)} = ?`,
      userId === undefined ? `WHERE ${col('ms', ms.columns.enabled)} = ?` : `WHERE ${col('u', u.columns.id)} = ?`,
      `ORDER BY ${col('u', u.columns.id)}`,
    ].join(' ');
    const rows = await this.db.query<{ user_id: unknown; email: unknown; settings_user: unknown; history_id: unknown; account_id: unknown; needs_reconnect: unknown; import_enabled: unknown }>(sql, [
      'google',
      userId ?? true,
    ]);
    return rows.map((r) => ({
      userId: String(r.user_id),
      email: r.email == null ? null : String(r.email),
      accountId: r.account_id == null ? null : String(r.account_id),
      historyId: r.history_id == null || r.history_id === '' ? null : String(r.history_id),
      hasSettings: r.settings_user != null,
      needsReconnect: isSqlTrue(r.needs_reconnect),
      // No settings row: the canonical default of mail_settings.enabled (false).
      importEnabled: isSqlTrue(r.import_enabled),
    }));
  }

  /** Which of these Gmail ids the user already has: a full pass after an expired cursor fetches only the rest. */
  async existingMessageIds(userId: string, gmailIds: readonly string[]): Promise<Set<string>> {
    const { table, columns: c } = this.mapping.emails;
    const found = new Set<string>();
    for (let at = 0; at < gmailIds.length; at += LOOKUP_CHUNK) {
      const chunk = gmailIds.slice(at, at + LOOKUP_CHUNK);
      const rows = await this.db.query<{ id: unknown }>(
        `SELECT ${quoteIdent(c.gmailMessageId)} AS id FROM ${quoteTable(table)} WHERE ${quoteIdent(c.userId)} = ? AND ${quoteIdent(c.gmailMessageId)} IN (${marks(chunk.length)})`,
        [userId, ...chunk],
      );
      for (const row of rows) found.add(String(row.id));
    }
    return found;
  }

  /**
   * Inserts in one transaction with one prepared statement. `ON CONFLICT
   * (user, message) DO NOTHING` (SQLite and PostgreSQL alike) makes it
   * idempotent: a re-run, a run after a crash, or two overlapping runs never
   * insert a message twice. Returns how many rows were new.
   */
  async insertEmails(rows: readonly EmailRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const { table, columns: c } = this.mapping.emails;
    const names = [c.id, c.userId, c.gmailMessageId, c.threadId, c.subject, c.fromAddress, c.snippet, c.receivedAt];
    const sql = `INSERT INTO ${quoteTable(table)} (${names.map(quoteIdent).join(', ')}) VALUES (${marks(names.length)}) ON CONFLICT (${quoteIdent(c.userId)}, ${quoteIdent(c.gmailMessageId)}) DO NOTHING`;
    // Time-ordered ids append to the primary key's index instead of scattering over it (mail-ids.ts).
    const values = rows.map((r): SqlValue[] => [timeOrderedId(), r.userId, r.gmailMessageId, r.threadId, r.subject, r.fromAddress, r.snippet, r.receivedAt]);
    return this.db.transaction(async (tx) => {
      let changes = 0;
      for (let at = 0; at < values.length; at += INSERT_SLICE) {
        // SQLite runs statements synchronously: slices keep each turn of the host's event loop short.
        if (at > 0) await yieldToEventLoop();
        changes += (await tx.executeMany(sql, values.slice(at, at + INSERT_SLICE))).changes;
      }
      return changes;
    });
  }

  /** Stored only after the user's rows are committed: a crash before it means the next run reads the same delta again. */
  async saveCursor(userId: string, historyId: string, at: string): Promise<void> {
    const { table, columns: c } = this.mapping.mailSettings;
    await this.db.execute(`UPDATE ${quoteTable(table)} SET ${quoteIdent(c.historyId)} = ?, ${quoteIdent(c.lastImportAt)} = ? WHERE ${quoteIdent(c.userId)} = ?`, [historyId, at, userId]);
  }

  /**
   * The product shows its "reconnect Google" prompt from this flag
   * (storage-orphans sets it the same way). Set only for a fault that is the
   * user's (faultOf: a dead grant, a missing scope); cleared as soon as the
   * user's import works again under their token.
   */
  async setNeedsReconnect(accountId: string, value: boolean): Promise<void> {
    const { table, key, columns: c } = this.mapping.storageAccounts;
    await this.db.execute(`UPDATE ${quoteTable(table)} SET ${quoteIdent(c.needsReconnect)} = ? WHERE ${quoteIdent(key)} = ?`, [value, accountId]);
  }
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
