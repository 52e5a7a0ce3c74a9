import type { StoreQueries } from '../store/store-db';

/** One worker process's row in the workers table (migration 14). */
export interface WorkerRow {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly engines: readonly string[];
  readonly concurrency: number;
  readonly running: number;
  readonly draining: boolean;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly stoppedAt: string | null;
}

interface RawWorkerRow {
  id: string;
  host: string;
  pid: number | string;
  engines_json: string;
  concurrency: number | string;
  running: number | string;
  draining: number | string;
  started_at: string;
  heartbeat_at: string;
  stopped_at: string | null;
}

function toRow(raw: RawWorkerRow): WorkerRow {
  let engines: string[] = [];
  try {
    const parsed: unknown = JSON.parse(raw.engines_json);
    if (Array.isArray(parsed)) engines = parsed.filter((e): e is string => typeof e === 'string');
  } catch {
    // A hand-edited row: show the worker without engines rather than hide it.
  }
  return {
    id: raw.id,
    host: raw.host,
    pid: Number(raw.pid),
    engines,
    concurrency: Number(raw.concurrency),
    running: Number(raw.running),
    draining: Number(raw.draining) === 1,
    startedAt: raw.started_at,
    heartbeatAt: raw.heartbeat_at,
    stoppedAt: raw.stopped_at,
  };
}

/** The workers registry over the store port (SQLite or PostgreSQL, same SQL). */
export class WorkersRepo {
  constructor(private readonly db: StoreQueries) {}

  async register(worker: { id: string; host: string; pid: number; engines: readonly string[]; concurrency: number }, nowIso: string): Promise<void> {
    await this.db.run(
      `INSERT INTO workers (id, host, pid, engines_json, concurrency, running, draining, started_at, heartbeat_at)
       VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)`,
      [worker.id, worker.host, worker.pid, JSON.stringify(worker.engines), worker.concurrency, nowIso, nowIso],
    );
  }

  /** Refreshes the heartbeat and the count of jobs held; false when the row is gone (pruned as lost). */
  async heartbeat(id: string, running: number, nowIso: string): Promise<boolean> {
    const result = await this.db.run(`UPDATE workers SET heartbeat_at = ?, running = ? WHERE id = ? AND stopped_at IS NULL`, [nowIso, running, id]);
    return result.changes > 0;
  }

  async setDraining(id: string, nowIso: string): Promise<void> {
    await this.db.run(`UPDATE workers SET draining = 1, heartbeat_at = ? WHERE id = ?`, [nowIso, id]);
  }

  async stopped(id: string, nowIso: string): Promise<void> {
    await this.db.run(`UPDATE workers SET stopped_at = ?, running = 0, heartbeat_at = ? WHERE id = ?`, [nowIso, nowIso, id]);
  }

  /** Workers not stopped, and those stopped since `sinceIso` (the page shows recent exits). */
  async list(sinceIso: string): Promise<WorkerRow[]> {
    const rows = await this.db.all<RawWorkerRow>(
      `SELECT id, host, pid, engines_json, concurrency, running, draining, started_at, heartbeat_at, stopped_at
         FROM workers WHERE stopped_at IS NULL OR stopped_at >= ? ORDER BY started_at DESC, id`,
      [sinceIso],
    );
    return rows.map(toRow);
  }

  /** Forgets rows whose heartbeat is older than `beforeIso` (lost or stopped long ago). */
  async prune(beforeIso: string): Promise<number> {
    return (await this.db.run(`DELETE FROM workers WHERE heartbeat_at < ?`, [beforeIso])).changes;
  }
}
