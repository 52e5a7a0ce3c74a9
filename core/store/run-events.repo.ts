import type { RunEvent } from '../api/models';
import type { StoreDb } from './store-db';
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
  constructor(private readonly db: StoreDb) {}

  async append(runId: number, kind: RunEvent['kind'], message: string, at: string, data?: Record<string, unknown>): Promise<void> {
    await this.db.run(`INSERT INTO run_events (run_id, at, kind, message, data_json) VALUES (?, ?, ?, ?, ?)`, [runId, at, kind, message, toJson(data)]);
  }

  async list(runId: number, limit = 1000): Promise<RunEvent[]> {
    const rows = await this.db.all<RunEventRow>(`SELECT * FROM run_events WHERE run_id = ? ORDER BY id LIMIT ?`, [runId, limit]);
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
