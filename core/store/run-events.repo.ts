import type { RunEvent } from '../api/models';
import type { SqliteDatabase } from './database';
import { fromJson, toJson } from './json-column';

interface RunEventRow {
  id: number;
  run_id: number;
  at: string;
  kind: RunEvent['kind'];
  message: string;
  data_json: string | null;
}

/** The per-run event log: state changes, phase changes and engine messages (not every progress tick). */
export class RunEventsRepository {
  constructor(private readonly db: SqliteDatabase) {}

  append(runId: number, kind: RunEvent['kind'], message: string, at: string, data?: Record<string, unknown>): void {
    this.db
      .prepare(`INSERT INTO run_events (run_id, at, kind, message, data_json) VALUES (?, ?, ?, ?, ?)`)
      .run(runId, at, kind, message, toJson(data));
  }

  list(runId: number, limit = 1000): RunEvent[] {
    const rows = this.db
      .prepare(`SELECT * FROM run_events WHERE run_id = ? ORDER BY id LIMIT ?`)
      .all(runId, limit) as RunEventRow[];
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      at: row.at,
      kind: row.kind,
      message: row.message,
      data: fromJson<Record<string, unknown>>(row.data_json),
    }));
  }
}
