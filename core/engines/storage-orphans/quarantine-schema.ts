import type { AppDbAdapter } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { liveColumns, referencingKeys, type LiveColumn } from '../../appdb/table-columns';

/**
 * What the quarantine needs to know about the live tables: the files table's
 * real columns (whatever the canonical schema knows) and whether
 * file_quarantine has its row_image column (added here to a table made by an
 * older version: it is Syncwarden's own table). Read once per instance.
 */
export class QuarantineSchema {
  private files: Promise<LiveColumn[]> | undefined;
  private image: Promise<boolean> | undefined;

  constructor(
    private readonly db: AppDbAdapter,
    private readonly mapping: ResolvedMapping,
  ) {}

  filesColumns(): Promise<LiveColumn[]> {
    this.files ??= liveColumns(this.db, this.mapping.files.table);
    return this.files;
  }

  hasImageColumn(): Promise<boolean> {
    this.image ??= liveColumns(this.db, this.mapping.fileQuarantine.table).then((cols) => cols.some((c) => c.name === this.mapping.fileQuarantine.columns.rowImage));
    return this.image;
  }

  async ensureImageColumn(): Promise<void> {
    if (await this.hasImageColumn()) return;
    const q = this.mapping.fileQuarantine;
    await this.db.execute(`ALTER TABLE ${quoteTable(q.table)} ADD COLUMN ${quoteIdent(q.columns.rowImage)} ${this.db.dialect === 'sqlite' ? 'TEXT' : 'text'}`);
    this.image = Promise.resolve(true);
  }

  /**
   * Why a quarantine of a files row could not be undone whole, in plain words (empty: it can).
   * Asked before a repair (the Storage page, the engine) so nobody removes what cannot come back unknowingly.
   */
  async restoreProblems(): Promise<string[]> {
    const f = this.mapping.files.table;
    const q = this.mapping.fileQuarantine.table;
    const problems: string[] = [];
    if ((await this.filesColumns()).length === 0) return [`The product database has no table ${f}.`];
    if ((await liveColumns(this.db, q)).length === 0) problems.push(`The product database has no ${q} table to keep quarantined rows in: run \`syncwarden appdb init\`, which adds it and keeps existing tables.`);
    for (const key of await referencingKeys(this.db, f)) {
      if (key.onDelete === 'cascade') problems.push(`Deleting a ${f} row also deletes rows of ${key.table} (ON DELETE CASCADE): a restore brings back the ${f} row but not those.`);
      else if (key.onDelete === 'set null' || key.onDelete === 'set default') problems.push(`Deleting a ${f} row changes rows of ${key.table} (ON DELETE ${key.onDelete.toUpperCase()}): a restore does not change them back.`);
    }
    for (const trigger of await this.deleteTriggers()) problems.push(`The trigger ${trigger} runs when a ${f} row is deleted: what it changes elsewhere is not kept, so a restore cannot undo it.`);
    return problems;
  }

  private async deleteTriggers(): Promise<string[]> {
    const f = this.mapping.files.table;
    if (this.db.dialect === 'sqlite') {
      // `CREATE TRIGGER … ON FILES` is a trigger of `files`: SQLite names are case-insensitive (s26d).
      const rows = await this.db.query<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE`, [f.split('.').pop() as string]);
      return rows.filter((r) => /\bDELETE\b/i.test(r.sql.split(/\bBEGIN\b/i)[0] ?? '')).map((r) => r.name);
    }
    // tgtype bit 8 = DELETE; internal triggers (foreign keys) are covered above.
    const rows = await this.db.query<{ name: string }>(`SELECT tgname AS name FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal AND (tgtype & 8) = 8`, [quoteTable(f)]);
    return rows.map((r) => r.name);
  }
}
