import type { FailedItems } from '../failed-items';
import type { MediaDb } from './media-db';
import { subjectOf, type MediaAsset, type MediaKind } from './media-model';

/** Rows refused one after another, with no insert committing between them, before the repair stops and fails the run: the database refuses everything. */
const MAX_REFUSED_IN_A_ROW = 20;

export interface InsertRow {
  asset: MediaAsset;
  userId: string;
  videoId: string | null;
}

/**
 * Inserts rows in one transaction; when the database refuses the batch, row by
 * row, so one row it refuses (a product constraint, a trigger) fails alone and
 * the others still go in (DESIGN §4.6). A refused transaction changed nothing:
 * the refused row's finding stays open for the next repair.
 */
export class ContainedInsert {
  private refusedInARow = 0;

  constructor(
    private readonly db: MediaDb,
    private readonly failed: FailedItems,
    private readonly signal: AbortSignal,
  ) {}

  /** The rows that went in (or were there already) and the rows inserted now. */
  async insert(kind: MediaKind, rows: readonly InsertRow[]): Promise<{ done: InsertRow[]; changes: number }> {
    try {
      const changes = await this.db.db.transaction((tx) => this.db.insert(tx, kind, rows));
      this.refusedInARow = 0;
      if (changes >= rows.length) return { done: [...rows], changes };
      return { done: await this.kept(kind, rows), changes };
    } catch (error) {
      if (this.signal.aborted) throw error;
      if (rows.length > 1) {
        const done: InsertRow[] = [];
        let changes = 0;
        for (const row of rows) {
          const one = await this.insert(kind, [row]);
          done.push(...one.done);
          changes += one.changes;
        }
        return { done, changes };
      }
      if (++this.refusedInARow >= MAX_REFUSED_IN_A_ROW) throw error;
      const asset = (rows[0] as InsertRow).asset;
      this.failed.add(subjectOf(asset.publicId), `The database refused the ${kind} row of "${asset.title}" (${asset.email}): ${error instanceof Error ? error.message : String(error)}`);
      return { done: [], changes: 0 };
    }
  }

  /**
   * Fewer changes than rows: ON CONFLICT skipped rows already there, or a product rule (a trigger's
   * RAISE(IGNORE), a BEFORE INSERT returning NULL) dropped them without an error. Only a row that is
   * in the table now is done; a dropped one is a failed item and its finding stays open.
   */
  private async kept(kind: MediaKind, rows: readonly InsertRow[]): Promise<InsertRow[]> {
    const present = await this.db.rowsByPublicId(kind, rows.map((row) => row.asset.publicId));
    return rows.filter((row) => {
      if (present.has(row.asset.publicId)) return true;
      this.failed.add(subjectOf(row.asset.publicId), `The database did not keep the ${kind} row of "${row.asset.title}" (${row.asset.email}): it is not in the table after the insert (a trigger or rule of the product dropped it).`);
      return false;
    });
  }
}
