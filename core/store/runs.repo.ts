import type { Page, ProgressSnapshot, Run, RunState, RunTrigger } from '../api/models';
import type { SqliteDatabase } from './database';
import { fromJson, fromJsonOr, toJson } from './json-column';

interface RunRow {
  id: number;
  engine: string;
  scope: string;
  state: RunState;
  trigger: RunTrigger;
  params_json: string;
  progress_json: string | null;
  api_calls_json: string;
  result_json: string | null;
  error_json: string | null;
  owner_pid: number;
  owner_id: string | null;
  owner_host: string | null;
  lease_expires_at: string | null;
  cancel_requested_at: string | null;
  heartbeat_at: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface NewRun {
  engine: string;
  scope: string;
  trigger: RunTrigger;
  params: Record<string, unknown>;
  ownerPid: number;
  /** Unique per process instance (run-owner.ts); absent only in old tests and stores. */
  ownerId?: string;
  ownerHost?: string;
  leaseExpiresAt?: string;
  now: string;
}

/** The run-history filters of `runs.list`; every one is optional and they combine with AND. */
export interface RunListFilter {
  engine?: string;
  states?: readonly RunState[];
  triggers?: readonly RunTrigger[];
  /** Exact scope, e.g. "user:ada@example.com". */
  scope?: string;
  /** Any of these exact scopes. */
  scopes?: readonly string[];
  scheduleId?: number;
  /** ISO instants: created at or after `from`, before `to`. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export interface RunPatch {
  progress?: ProgressSnapshot;
  apiCalls?: Record<string, number>;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  startedAt?: string;
  finishedAt?: string;
}

export interface ActiveRunOwner {
  id: number;
  ownerPid: number;
  ownerId: string | null;
  ownerHost: string | null;
  heartbeatAt: string;
  leaseExpiresAt: string | null;
}

export class RunsRepository {
  constructor(private readonly db: SqliteDatabase) {}

  /** Inserts a queued run, or returns the id of the run already active for (engine, scope). */
  insertQueued(run: NewRun): { id: number; alreadyRunning: boolean } {
    const existing = this.findActive(run.engine, run.scope);
    if (existing !== undefined) return { id: existing, alreadyRunning: true };
    try {
      const info = this.db
        .prepare(
          `INSERT INTO runs (engine, scope, state, trigger, params_json, owner_pid, owner_id, owner_host, lease_expires_at, heartbeat_at, created_at)
           VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(run.engine, run.scope, run.trigger, JSON.stringify(run.params), run.ownerPid, run.ownerId ?? null, run.ownerHost ?? null, run.leaseExpiresAt ?? null, run.now, run.now);
      return { id: Number(info.lastInsertRowid), alreadyRunning: false };
    } catch (error) {
      // Another process won the race between our lookup and insert: the unique index decides.
      const winner = isUniqueViolation(error) ? this.findActive(run.engine, run.scope) : undefined;
      if (winner !== undefined) return { id: winner, alreadyRunning: true };
      throw error;
    }
  }

  findActive(engine: string, scope: string): number | undefined {
    const row = this.db
      .prepare(`SELECT id FROM runs WHERE engine = ? AND scope = ? AND state IN ('queued','running')`)
      .get(engine, scope) as { id: number } | undefined;
    return row?.id;
  }

  /**
   * Moves a run from one of `from` to `to`. The WHERE clause makes the state
   * machine hold in the database too: a run that already finished stays finished.
   */
  transition(id: number, from: readonly RunState[], to: RunState, patch: RunPatch, now: string): boolean {
    const placeholders = from.map(() => '?').join(',');
    const info = this.db
      .prepare(
        `UPDATE runs SET state = ?, heartbeat_at = ?,
           progress_json = COALESCE(?, progress_json), api_calls_json = COALESCE(?, api_calls_json),
           result_json = COALESCE(?, result_json), error_json = COALESCE(?, error_json),
           started_at = COALESCE(?, started_at), finished_at = COALESCE(?, finished_at)
         WHERE id = ? AND state IN (${placeholders})`,
      )
      .run(
        to,
        now,
        toJson(patch.progress),
        toJson(patch.apiCalls),
        toJson(patch.result),
        toJson(patch.error),
        patch.startedAt ?? null,
        patch.finishedAt ?? null,
        id,
        ...from,
      );
    return info.changes === 1;
  }

  saveProgress(id: number, progress: ProgressSnapshot, apiCalls: Record<string, number>, now: string): void {
    this.db
      .prepare(`UPDATE runs SET progress_json = ?, api_calls_json = ?, heartbeat_at = ? WHERE id = ? AND state = 'running'`)
      .run(JSON.stringify(progress), JSON.stringify(apiCalls), now, id);
  }

  requestCancel(id: number, now: string): boolean {
    const info = this.db
      .prepare(`UPDATE runs SET cancel_requested_at = ? WHERE id = ? AND state IN ('queued','running')`)
      .run(now, id);
    return info.changes === 1;
  }

  /** Which of these runs someone asked to cancel (possibly from another process). */
  cancelRequested(ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as { id: number }[];
    return rows.map((row) => row.id);
  }

  /**
   * Renews the lease of these runs (only while they are still active and still ours) and
   * returns the ids that are not: another process interrupted them after their lease ran out,
   * so the owner must stop working on them.
   */
  heartbeat(ids: readonly number[], now: string, lease?: { ownerId: string; expiresAt: string }): number[] {
    const renew = this.db.prepare(
      `UPDATE runs SET heartbeat_at = ?, lease_expires_at = COALESCE(?, lease_expires_at)
       WHERE id = ? AND state IN ('queued','running') AND (? IS NULL OR owner_id = ?)`,
    );
    const lost: number[] = [];
    this.db.transaction(() => {
      for (const id of ids) {
        const info = renew.run(now, lease?.expiresAt ?? null, id, lease?.ownerId ?? null, lease?.ownerId ?? null);
        if (info.changes === 0) lost.push(id);
      }
    })();
    return lost;
  }

  activeOwners(): ActiveRunOwner[] {
    return (
      this.db
        .prepare(`SELECT id, owner_pid, owner_id, owner_host, heartbeat_at, lease_expires_at FROM runs WHERE state IN ('queued','running')`)
        .all() as Pick<RunRow, 'id' | 'owner_pid' | 'owner_id' | 'owner_host' | 'heartbeat_at' | 'lease_expires_at'>[]
    ).map((row) => ({
      id: row.id,
      ownerPid: row.owner_pid,
      ownerId: row.owner_id,
      ownerHost: row.owner_host,
      heartbeatAt: row.heartbeat_at,
      leaseExpiresAt: row.lease_expires_at,
    }));
  }

  /**
   * Interrupts an active run, but only if nothing renewed it since the caller looked: the
   * heartbeat it read must still be the row's (a sweep racing a heartbeat loses).
   */
  interrupt(id: number, seenHeartbeatAt: string, patch: RunPatch, now: string): boolean {
    const info = this.db
      .prepare(
        `UPDATE runs SET state = 'interrupted', heartbeat_at = ?, finished_at = ?, error_json = ?
         WHERE id = ? AND state IN ('queued','running') AND heartbeat_at = ?`,
      )
      .run(now, patch.finishedAt ?? now, toJson(patch.error), id, seenHeartbeatAt);
    return info.changes === 1;
  }

  get(id: number): Run | undefined {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  list(filter: RunListFilter): Page<Run> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.engine) {
      where.push('engine = ?');
      args.push(filter.engine);
    }
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      args.push(...filter.states);
    }
    if (filter.triggers?.length) {
      where.push(`trigger IN (${filter.triggers.map(() => '?').join(',')})`);
      args.push(...filter.triggers);
    }
    if (filter.scope) {
      where.push('scope = ?');
      args.push(filter.scope);
    }
    if (filter.scopes?.length) {
      where.push(`scope IN (${filter.scopes.map(() => '?').join(',')})`);
      args.push(...filter.scopes);
    }
    if (filter.scheduleId !== undefined) {
      // A schedule's history: the runs its firings started (a firing that found a run already active did not start it).
      where.push(`id IN (SELECT run_id FROM schedule_firings WHERE schedule_id = ? AND outcome = 'started' AND run_id IS NOT NULL)`);
      args.push(filter.scheduleId);
    }
    // Stored instants are UTC ISO strings (toISOString), so an input with an offset is normalised before comparing text.
    if (filter.from) {
      where.push('created_at >= ?');
      args.push(new Date(filter.from).toISOString());
    }
    if (filter.to) {
      where.push('created_at < ?');
      args.push(new Date(filter.to).toISOString());
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM runs ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, filter.limit, filter.offset) as RunRow[];
    return { items: rows.map(toRun), total, limit: filter.limit, offset: filter.offset };
  }
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    engine: row.engine,
    scope: row.scope,
    state: row.state,
    trigger: row.trigger,
    params: fromJsonOr(row.params_json, {}),
    progress: fromJson<ProgressSnapshot>(row.progress_json),
    apiCalls: fromJsonOr(row.api_calls_json, {}),
    result: fromJson<Record<string, unknown>>(row.result_json),
    error: fromJson<{ code: string; message: string }>(row.error_json),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    ownerHost: row.owner_host,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
