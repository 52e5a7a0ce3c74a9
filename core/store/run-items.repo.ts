import type { RunItemOutcome, RunLogLine, RunLogPage } from '../api/models';
import type { SqliteDatabase } from './database';

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
  constructor(private readonly db: SqliteDatabase) {}

  /** Writes kept lines and adds to the per-outcome counts, in one transaction. */
  append(runId: number, lines: readonly NewRunItemLine[], counts: ReadonlyMap<RunItemOutcome, { n: number; notKept: number }>): void {
    const insert = this.db.prepare(`INSERT OR IGNORE INTO run_items (run_id, seq, at, item, action, outcome, message) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const count = this.db.prepare(
      `INSERT INTO run_item_counts (run_id, outcome, n, not_kept) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, outcome) DO UPDATE SET n = n + excluded.n, not_kept = not_kept + excluded.not_kept`,
    );
    this.db.transaction(() => {
      for (const line of lines) insert.run(runId, line.seq, line.at, line.item, line.action, line.outcome, line.message ?? null);
      for (const [outcome, { n, notKept }] of counts) if (n > 0 || notKept > 0) count.run(runId, outcome, n, notKept);
    })();
  }

  page(runId: number, limit: number, offset: number): RunLogPage {
    const rows = this.db
      .prepare(`SELECT seq, at, item, action, outcome, message FROM run_items WHERE run_id = ? ORDER BY seq LIMIT ? OFFSET ?`)
      .all(runId, limit, offset) as RunItemRow[];
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM run_items WHERE run_id = ?`).get(runId) as { n: number }).n;
    const countRows = this.db.prepare(`SELECT outcome, n, not_kept FROM run_item_counts WHERE run_id = ?`).all(runId) as { outcome: string; n: number; not_kept: number }[];
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
