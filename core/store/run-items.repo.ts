import type { RunItemOutcome, RunLogLine, RunLogPage } from '../api/models';
import type { SqlParams, StoreDb } from './store-db';
import { countOf, runEach } from './transaction-view';
import { holdOwnedRun } from './run-ownership';

export interface NewRunItemLine {
  seq: number;
  at: string;
  item: string;
  action: string;
  outcome: RunItemOutcome;
  message?: string | null;
}

interface RunItemRow {
  seq: number;
  at: string;
  item: string;
  action: string;
  outcome: RunItemOutcome;
  message: string | null;
}

/** A run's per-item log (migration 10): the kept lines, and counts per outcome over every line written. */
export class RunItemsRepository {
  constructor(private readonly db: StoreDb) {}

  /**
   * Writes kept lines and adds to the per-outcome counts, in one transaction. ownerId: the run's own write,
   * landing only while that owner still holds the run (checked in the same transaction, run-ownership.ts).
   */
  async append(runId: number, lines: readonly NewRunItemLine[], counts: ReadonlyMap<RunItemOutcome, { n: number; notKept: number }>, ownerId?: string): Promise<void> {
    const insert = `INSERT INTO run_items (run_id, seq, at, item, action, outcome, message) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
    // The existing row's columns named by its table: PostgreSQL reads a bare `n` here as ambiguous.
    const count = `INSERT INTO run_item_counts (run_id, outcome, n, not_kept) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, outcome) DO UPDATE SET n = run_item_counts.n + excluded.n, not_kept = run_item_counts.not_kept + excluded.not_kept`;
    const countRows: SqlParams[] = [];
    for (const [outcome, { n, notKept }] of counts) if (n > 0 || notKept > 0) countRows.push([runId, outcome, n, notKept]);
    await this.db.transaction(async (tx) => {
      if (ownerId !== undefined) await holdOwnedRun(tx, runId, ownerId);
      await Promise.all([
        runEach(tx, insert, lines.map((line) => [runId, line.seq, line.at, line.item, line.action, line.outcome, line.message ?? null])),
        runEach(tx, count, countRows),
      ]);
    });
  }

  async page(runId: number, limit: number, offset: number): Promise<RunLogPage> {
    const rows = await this.db.all<RunItemRow>(`SELECT seq, at, item, action, outcome, message FROM run_items WHERE run_id = ? ORDER BY seq LIMIT ? OFFSET ?`, [runId, limit, offset]);
    const total = countOf(await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM run_items WHERE run_id = ?`, [runId]));
    const countRows = await this.db.all<{ outcome: string; n: number; not_kept: number }>(`SELECT outcome, n, not_kept FROM run_item_counts WHERE run_id = ?`, [runId]);
    const counts: Record<string, number> = {};
    let notKept = 0;
    for (const row of countRows) {
      counts[row.outcome] = row.n;
      notKept += row.not_kept;
    }
    const items: RunLogLine[] = rows.map((row) => ({ ...row }));
    return { items, total, limit, offset, notKept, counts };
  }
}
