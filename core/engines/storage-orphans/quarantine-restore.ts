import { catalogOf, type AppDbAdapter } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import { keysIn } from '../../appdb/key-match';
import type { ResolvedMapping } from '../../appdb/mapping';
import { imageMismatch, insertFromImage, parseRowImage, pinValueSession } from '../../appdb/row-image';
import { liveColumns } from '../../appdb/table-columns';
import { KEPT, QuarantineError, toRow, type QuarantinedRow } from './quarantine-row';

export interface RestoreTables {
  db: AppDbAdapter;
  mapping: ResolvedMapping;
  /** file_quarantine has row_image (else every row there is an older, canonical-only quarantine). */
  hasImage: boolean;
}

/**
 * Moves one quarantined row back into files in one transaction: the whole
 * row from its image (exactly its columns, each value in its own type), or,
 * for a quarantine made before images existed, the canonical columns.
 * Whatever makes it impossible (a row with the same id is back, the table
 * lost a column or gained a required one, a constraint refuses the values,
 * a unique key on the cloud file another row now holds) ends in a QuarantineError that says so, and the transaction rolls
 * back: the quarantined row stays, nothing else changed.
 */
export async function restoreHeld(t: RestoreTables, fileRowId: string): Promise<{ restored: boolean; row: QuarantinedRow | null }> {
  const { db, mapping } = t;
  const f = mapping.files;
  const q = mapping.fileQuarantine;
  const stays = 'The row stays in quarantine; nothing was changed.';
  try {
    return await db.transaction(async (tx) => {
      const image = t.hasImage ? `, ${quoteIdent(q.columns.rowImage)} AS "rowImage"` : '';
      // PostgreSQL: a concurrent restore of the same row waits here, then finds it gone from quarantine and back
      // in files (restored: false), instead of failing on the key and claiming the row stays quarantined.
      // SQLite serialises writers on its own.
      const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
      const [held] = await tx.query(`SELECT ${KEPT.map((k) => `${quoteIdent(q.columns[k])} AS ${quoteIdent(k)}`).join(', ')}${image} FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.id)} = ?${lock}`, [fileRowId]);
      const byId = keysIn(db.dialect, f.columns.id, [fileRowId]);
      const [live] = (await tx.query(`SELECT ${quoteIdent(f.columns.id)} AS id FROM ${quoteTable(f.table)} WHERE ${byId.sql}`, byId.params)).filter((r) => String(r.id) === fileRowId);
      if (!held) {
        if (live) return { restored: false, row: null };
        throw new QuarantineError(`File row ${fileRowId} is neither quarantined nor in ${f.table}: it was purged after its retention period.`);
      }
      if (live) throw new QuarantineError(`A row with the id ${fileRowId} is in ${f.table} again (added after the quarantine), so the quarantined row was not put back over it. ${stays} Remove one of the two by hand, then restore again.`);
      const row = toRow(held);
      // Another row of the same cloud file (a second row the table allows, another user's row on a shared file) does
      // not stop a restore: the table held both before, and refusing would leave this row to the purge. Only the
      // product's own constraints decide; when one refuses, the message names the row it clashed with.
      const [clash] = await tx.query(`SELECT ${quoteIdent(f.columns.id)} AS id FROM ${quoteTable(f.table)} WHERE ${quoteIdent(f.columns.provider)} = ? AND ${quoteIdent(f.columns.providerFileId)} = ?`, [row.provider, row.providerFileId]);
      const whole = parseRowImage(held.rowImage);
      // The files table as this transaction meets it (a column added a moment ago included), not as it was read before.
      const columns = whole ? await liveColumns(catalogOf(tx, db.dialect), f.table) : [];
      if (whole) {
        const why = imageMismatch(whole, columns, db.dialect, f.table);
        if (why) throw new QuarantineError(`File row ${fileRowId} cannot be put back whole: ${why}. ${stays}`);
      }
      try {
        if (whole) {
          await pinValueSession(tx, db.dialect);
          const insert = insertFromImage(db.dialect, f.table, whole, columns);
          await tx.execute(insert.sql, insert.params);
        } else {
          // A quarantine made before row images: only the canonical columns were kept, so only they come back.
          await tx.execute(
            `INSERT INTO ${quoteTable(f.table)} (${KEPT.map((k) => quoteIdent(f.columns[k])).join(', ')}) SELECT ${KEPT.map((k) => quoteIdent(q.columns[k])).join(', ')} FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.id)} = ?`,
            [fileRowId],
          );
        }
      } catch (error) {
        if (clash && isRefusal(error)) throw new QuarantineError(`The product database refused file row ${fileRowId} back into ${f.table} beside its row ${String(clash.id)} for the same ${row.provider} file (${row.providerFileId}): ${(error as Error).message}. ${stays}`);
        throw error;
      }
      await tx.execute(`DELETE FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.id)} = ?`, [fileRowId]);
      return { restored: true, row: whole ? { ...row, image: whole } : row };
    });
  } catch (error) {
    if (error instanceof QuarantineError) throw error;
    // The database refused the values (a constraint, a type, a column that changed): a lasting reason, told as such.
    if (isRefusal(error)) throw new QuarantineError(`The product database refused file row ${fileRowId} back into ${f.table}: ${(error as Error).message}. ${stays}`);
    throw error;
  }
}

/** SQLite constraint/mismatch/schema errors and PostgreSQL SQLSTATE classes 22 (data), 23 (integrity), 42 (schema); not busy or network errors. */
function isRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('SQLITE_')) return /^SQLITE_(CONSTRAINT|MISMATCH|ERROR|RANGE|TOOBIG)/.test(code);
  return /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}
