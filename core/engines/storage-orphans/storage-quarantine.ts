import { catalogOf, type AppDbAdapter, type Row, type SqlExecutor, type SqlValue } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import { keysIn } from '../../appdb/key-match';
import type { ResolvedMapping } from '../../appdb/mapping';
import { captureSelect, imageOf, pinValueSession, type RowImage } from '../../appdb/row-image';
import { liveColumns, type LiveColumn } from '../../appdb/table-columns';
import { QuarantineSchema } from './quarantine-schema';
import { restoreHeld } from './quarantine-restore';
import { isoOf, KEPT, placeholders, QuarantineError, toRow, type QuarantinedRow } from './quarantine-row';

export { QuarantineError, type QuarantinedRow } from './quarantine-row';

export interface QuarantineMeta {
  quarantinedAt: string;
  purgeAfter: string;
  reason: string;
  runId: number;
}

/** What a finding said the row pointed at: the row is moved only while it still does (DESIGN §4.1). */
export type ExpectedRow = Pick<QuarantinedRow, 'userId' | 'provider' | 'providerFileId'>;

export interface QuarantineGuard {
  /** Per files row id: the file the service said is gone. A row that now points elsewhere is left alone. */
  expected: ReadonlyMap<string, ExpectedRow>;
  /** Receives the ids of rows left alone because they changed since the finding. */
  changed: Set<string>;
}

/** A row found in quarantine, with the dates its quarantine was given. */
export interface HeldRow extends QuarantinedRow {
  quarantinedAt: string | null;
  purgeAfter: string | null;
  /** The run that moved it (a console-store run id). */
  runId: number | null;
}

/**
 * Moves file rows between the product's files table and Syncwarden's
 * file_quarantine table (canonical-schema.md). Every move is one
 * transaction holding both statements, keyed by the files row id, so a crash
 * (even SIGKILL) leaves each row in exactly one of the two tables, and doing
 * it again changes nothing more (DESIGN §4.4, §4.5). The quarantined copy
 * holds the whole row (row_image), so restore puts back every column of the
 * product's real table, byte-equal (DESIGN §4.3).
 */
export class FileQuarantine {
  readonly schema: QuarantineSchema;

  constructor(
    private readonly db: AppDbAdapter,
    private readonly mapping: ResolvedMapping,
  ) {
    this.schema = new QuarantineSchema(db, mapping);
  }

  /** Quarantines these rows; returns the before-images of the rows it moved (rows already gone are skipped). */
  async quarantine(wantedIds: readonly string[], meta: QuarantineMeta, guard?: QuarantineGuard): Promise<QuarantinedRow[]> {
    if (wantedIds.length === 0) return [];
    const f = this.mapping.files;
    const q = this.mapping.fileQuarantine;
    const fc = KEPT.map((k) => quoteIdent(f.columns[k]));
    const qc = KEPT.map((k) => quoteIdent(q.columns[k]));
    const extra = [q.columns.quarantinedAt, q.columns.purgeAfter, q.columns.reason, q.columns.runId].map(quoteIdent);
    const keyF = quoteIdent(f.columns.id);
    const keyQ = quoteIdent(q.columns.id);
    await this.schema.ensureImageColumn();
    return this.db.transaction(async (tx) => {
      const wanted = keysIn(this.db.dialect, f.columns.id, wantedIds);
      const asked = new Set(wantedIds);
      const found = (await tx.query(`SELECT ${fc.map((c, i) => `${c} AS ${quoteIdent(KEPT[i] as string)}`).join(', ')} FROM ${quoteTable(f.table)} WHERE ${wanted.sql}${this.db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, wanted.params)).filter((r) => asked.has(String(r.id)));
      refuseAmbiguousIds(found, f.table);
      // Checked inside the moving transaction (rows locked in PostgreSQL): a row the product re-pointed, or deleted and
      // re-inserted under the same id, is not the orphan any more.
      const before = guard ? found.filter((r) => stillExpected(toRow(r), guard)) : found;
      if (before.length === 0) return [];
      // From here the ids as the database stored them: in a column declared with no type, an integer id is not its text.
      const fileRowIds = before.map((r) => r.id as SqlValue);
      const ids = placeholders(fileRowIds.length);
      // The columns as this transaction meets them, read after the rows are locked: a column the product added since
      // the repair began (between batches, or just before this one) is in the image, or its values would be lost on
      // restore (s26d). PostgreSQL's ALTER TABLE waits for this transaction from here on; SQLite's writer is us.
      const columns = await liveColumns(catalogOf(tx, this.db.dialect), f.table);
      const images = await this.capture(tx, columns, fileRowIds);
      // The copy's id is bound as the text the finding names (String(id)), not copied: the database's own text of a
      // REAL 7.0 is '7.0', of a PostgreSQL float 1e+15, of a char(n) id without its padding, and a copy under that text
      // could never be restored (s22). A copy already held under that id is another row's (the product re-used the id
      // of a row quarantined earlier) and its only way back: never replaced. SQLite needs `WHERE true` to parse
      // INSERT … SELECT … ON CONFLICT.
      const { changes: copied } = await tx.executeMany(
        `INSERT INTO ${quoteTable(q.table)} (${[...qc, ...extra].join(', ')})
         SELECT ${this.cast('text')}, ${this.canonicalSource(fc).slice(1).join(', ')}, ${this.cast('timestamptz')}, ${this.cast('timestamptz')}, ?, ${this.cast('bigint')} FROM ${quoteTable(f.table)} WHERE ${keyF} = ? AND true
         ON CONFLICT (${keyQ}) DO NOTHING`,
        before.map((r) => [String(r.id), meta.quarantinedAt, meta.purgeAfter, meta.reason, meta.runId, r.id as SqlValue]),
      );
      if (copied !== before.length) {
        throw new QuarantineError(
          `file_quarantine already holds a row quarantined earlier under the id of ${before.length === 1 ? `file row ${String(before[0]?.id)}` : 'one of these file rows'} (the product gave that id to a new row since): it was not replaced, and nothing was moved. Restore or purge the held row first.`,
        );
      }
      await tx.executeMany(
        `UPDATE ${quoteTable(q.table)} SET ${quoteIdent(q.columns.rowImage)} = ? WHERE ${keyQ} = ?`,
        [...images].map(([id, image]) => [JSON.stringify(image), id]),
      );
      const { changes } = await tx.execute(`DELETE FROM ${quoteTable(f.table)} WHERE ${keyF} IN (${ids})`, fileRowIds);
      // The rows were read (and locked in PostgreSQL) in this transaction: a shortfall is a product rule that kept a
      // row without an error (RAISE(IGNORE), a BEFORE DELETE returning NULL). Thrown, the move rolls back and the
      // repair retries row by row, so the kept row fails alone and is never both live and quarantined.
      if (changes !== fileRowIds.length) throw new Error(`the database kept ${fileRowIds.length - changes} of ${fileRowIds.length} file row(s) it was asked to delete (a trigger or rule of the product)`);
      return before.map((r) => ({ ...toRow(r), ...(images.has(String(r.id)) ? { image: images.get(String(r.id)) as RowImage } : {}) }));
    });
  }

  /** Every column of these rows as they are, inside the moving transaction, by files row id. */
  private async capture(tx: SqlExecutor, columns: readonly LiveColumn[], fileRowIds: readonly SqlValue[]): Promise<Map<string, RowImage>> {
    const f = this.mapping.files;
    await pinValueSession(tx, this.db.dialect);
    const rows = await tx.query(
      `SELECT ${quoteIdent(f.columns.id)} AS "k", ${captureSelect(this.db.dialect, columns)} FROM ${quoteTable(f.table)} WHERE ${quoteIdent(f.columns.id)} IN (${placeholders(fileRowIds.length)})`,
      fileRowIds,
    );
    return new Map(rows.map((r) => [String(r.k), imageOf(this.db.dialect, columns, r)]));
  }

  /**
   * Moves one row back, whole. `restored: false` when it is already back (idempotent); throws a
   * QuarantineError saying why in plain words when it cannot be restored, and then nothing changed:
   * the quarantined row stays where it is (quarantine-restore.ts).
   */
  async restore(fileRowId: string): Promise<{ restored: boolean; row: QuarantinedRow | null }> {
    const hasImage = await this.schema.hasImageColumn();
    return restoreHeld({ db: this.db, mapping: this.mapping, hasImage }, fileRowId);
  }

  /** Deletes quarantined rows whose retention ended; returns their ids. */
  async purgeExpired(now: string): Promise<string[]> {
    const q = this.mapping.fileQuarantine;
    const key = quoteIdent(q.columns.id);
    // The ids the DELETE itself removed, not the ones a SELECT saw before it: a restore that commits in between (it
    // holds the quarantine row's lock in PostgreSQL) took its row back, and that row's finding must not be closed as
    // purged while the row is live again.
    const purged = await this.db.query(`DELETE FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.purgeAfter)} <= ? RETURNING ${key} AS id`, [now]);
    return purged.map((r) => String(r.id));
  }

  /**
   * The files columns as file_quarantine's canonical columns take them. A product's created_at may be text or a
   * date in PostgreSQL, which a timestamptz column refuses without an explicit cast (the whole row is in row_image
   * either way; this copy is what the console shows).
   */
  private canonicalSource(columns: readonly string[]): string[] {
    if (this.db.dialect !== 'postgres') return [...columns];
    return columns.map((c, i) => (KEPT[i] === 'createdAt' ? `CAST(CAST(${c} AS text) AS timestamptz)` : c));
  }

  /** PostgreSQL types a parameter in a SELECT list as text, which a timestamptz column refuses; SQLite needs no cast (and a CAST there would mangle ISO text). */
  private cast(type: 'timestamptz' | 'bigint' | 'text'): string {
    return this.db.dialect === 'postgres' ? `CAST(? AS ${type})` : '?';
  }

  /**
   * The quarantined copies of these ids, if any (a repair cut short by a crash moved them without
   * recording it), with the dates that copy was given: its retention runs from then, not from now.
   */
  async held(fileRowIds: readonly string[], tx: SqlExecutor = this.db): Promise<Map<string, HeldRow>> {
    if (fileRowIds.length === 0) return new Map();
    const q = this.mapping.fileQuarantine;
    const dates = `${quoteIdent(q.columns.quarantinedAt)} AS ${quoteIdent('quarantinedAt')}, ${quoteIdent(q.columns.purgeAfter)} AS ${quoteIdent('purgeAfter')}, ${quoteIdent(q.columns.runId)} AS ${quoteIdent('runId')}`;
    const rows = await tx.query(
      `SELECT ${KEPT.map((k) => `${quoteIdent(q.columns[k])} AS ${quoteIdent(k)}`).join(', ')}, ${dates} FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.id)} IN (${placeholders(fileRowIds.length)})`,
      fileRowIds as SqlValue[],
    );
    return new Map(rows.map((r) => [String(r.id), { ...toRow(r), quarantinedAt: isoOf(r.quarantinedAt), purgeAfter: isoOf(r.purgeAfter), runId: r.runId == null ? null : Number(r.runId) }]));
  }
}

/**
 * Two rows whose ids read as the same text (123 and '123' in a column declared with no type) cannot both be moved:
 * file_quarantine keys its copies by that text, so the second copy would replace the first. Refused, so the move
 * rolls back and nothing is lost; the product has to give one of the two another id.
 */
function refuseAmbiguousIds(rows: readonly Row[], table: string): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const id = String(row.id);
    if (seen.has(id)) throw new QuarantineError(`${table} holds two rows whose ids both read ${id} (one stored as text, one as a number): neither was quarantined. Give one of them another id.`);
    seen.add(id);
  }
}

function stillExpected(row: QuarantinedRow, guard: QuarantineGuard): boolean {
  const expected = guard.expected.get(row.id);
  const same = expected !== undefined && expected.userId === row.userId && expected.provider === row.provider && expected.providerFileId === row.providerFileId;
  if (!same) guard.changed.add(row.id);
  return same;
}
