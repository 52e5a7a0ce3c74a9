import type { Page, ProgressSnapshot, Run, RunState, RunTrigger } from '../api/models';
import type { SqlValue, StoreDb } from './store-db';
import { countOf, runEach } from './transaction-view';
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
  constructor(private readonly db: StoreDb) {}

  /** Inserts a queued run, or returns the id of the run already active for (engine, scope). */
  async insertQueued(run: NewRun): Promise<{ id: number; alreadyRunning: boolean }> {
    // The partial unique index runs_one_active_per_scope decides, across processes and machines: no
    // look-then-insert window, and no unique-violation error (which would abort an enclosing PostgreSQL
    // transaction). A second request joins the active run.
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.db.get<{ id: number }>(
        `INSERT INTO runs (engine, scope, state, trigger, params_json, owner_pid, owner_id, owner_host, lease_expires_at, heartbeat_at, created_at)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (engine, scope) WHERE state IN ('queued','running') DO NOTHING
         RETURNING id`,
        [run.engine, run.scope, run.trigger, JSON.stringify(run.params), run.ownerPid, run.ownerId ?? null, run.ownerHost ?? null, run.leaseExpiresAt ?? null, run.now, run.now],
      );
      if (row) return { id: Number(row.id), alreadyRunning: false };
      const winner = await this.findActive(run.engine, run.scope);
      if (winner !== undefined) return { id: winner, alreadyRunning: true };
      // The run that blocked ours finished before we could read it: the scope is free again.
    }
    throw new Error(`could not queue a ${run.engine} run for ${run.scope}: its active run kept changing`);
  }

  /**
   * Team mode: a worker takes ownership of a run the queue handed it. Compare-and-set on the
   * state and owner it read, so two workers (a lapsed lease's old holder and a retry) never both
   * win. A queued run is taken as it is; a running one only once its owner's lease lapsed.
   */
  async adopt(
    id: number,
    owner: { pid: number; id: string; host: string },
    leaseExpiresAt: string,
    now: string,
  ): Promise<{ outcome: 'adopted'; previousOwner: string | null; state: RunState } | { outcome: 'finished'; state: RunState } | { outcome: 'owned'; owner: string } | { outcome: 'missing' }> {
    const row = await this.db.get<{ state: RunState; owner_id: string | null; owner_host: string | null; owner_pid: number; lease_expires_at: string | null }>(
      `SELECT state, owner_id, owner_host, owner_pid, lease_expires_at FROM runs WHERE id = ?`,
      [id],
    );
    if (!row) return { outcome: 'missing' };
    if (row.state !== 'queued' && row.state !== 'running') return { outcome: 'finished', state: row.state };
    const leaseLapsed = row.lease_expires_at === null || Date.parse(row.lease_expires_at) < Date.parse(now);
    if (row.state === 'running' && row.owner_id !== owner.id && !leaseLapsed) return { outcome: 'owned', owner: row.owner_id ?? `pid ${row.owner_pid}` };
    const info = await this.db.run(
      `UPDATE runs SET owner_pid = ?, owner_id = ?, owner_host = ?, lease_expires_at = ?, heartbeat_at = ?
        WHERE id = ? AND state = ? AND COALESCE(owner_id, '') = ?`,
      [owner.pid, owner.id, owner.host, leaseExpiresAt, now, id, row.state, row.owner_id ?? ''],
    );
    if (info.changes !== 1) return { outcome: 'owned', owner: 'another worker (adopted it first)' };
    return { outcome: 'adopted', previousOwner: row.state === 'running' ? (row.owner_id ?? `pid ${row.owner_pid}`) : null, state: row.state };
  }

  async findActive(engine: string, scope: string): Promise<number | undefined> {
    const row = await this.db.get<{ id: number }>(`SELECT id FROM runs WHERE engine = ? AND scope = ? AND state IN ('queued','running')`, [engine, scope]);
    return row === undefined ? undefined : Number(row.id);
  }

  /**
   * Moves a run from one of `from` to `to`. The WHERE clause makes the state
   * machine hold in the database too: a run that already finished stays finished.
   */
  async transition(id: number, from: readonly RunState[], to: RunState, patch: RunPatch, now: string, ownerId?: string): Promise<boolean> {
    const placeholders = from.map(() => '?').join(',');
    // ownerId: an owner-side write (the run's own progress or end) lands only while the writer still owns the
    // run; a stale owner (its lease lapsed and another worker adopted the run) must not end that worker's run.
    const info = await this.db.run(
      `UPDATE runs SET state = ?, heartbeat_at = ?,
         progress_json = COALESCE(?, progress_json), api_calls_json = COALESCE(?, api_calls_json),
         result_json = COALESCE(?, result_json), error_json = COALESCE(?, error_json),
         started_at = COALESCE(?, started_at), finished_at = COALESCE(?, finished_at)
       WHERE id = ? AND state IN (${placeholders}) AND (CAST(? AS TEXT) IS NULL OR owner_id = ?)`,
      [
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
        ownerId ?? null,
        ownerId ?? null,
      ],
    );
    return info.changes === 1;
  }

  /** Saves the owner's progress; with ownerId only while that owner still holds the run (false when it does not). */
  async saveProgress(id: number, progress: ProgressSnapshot, apiCalls: Record<string, number>, now: string, ownerId?: string): Promise<boolean> {
    const info = await this.db.run(
      `UPDATE runs SET progress_json = ?, api_calls_json = ?, heartbeat_at = ? WHERE id = ? AND state = 'running' AND (CAST(? AS TEXT) IS NULL OR owner_id = ?)`,
      [JSON.stringify(progress), JSON.stringify(apiCalls), now, id, ownerId ?? null, ownerId ?? null],
    );
    return info.changes === 1;
  }

  /** Who owns a run now (null for old rows without an owner id; undefined when there is no such run). */
  async ownerOf(id: number): Promise<string | null | undefined> {
    const row = await this.db.get<{ owner_id: string | null }>(`SELECT owner_id FROM runs WHERE id = ?`, [id]);
    return row === undefined ? undefined : row.owner_id;
  }

  /**
   * The clock leases are stamped and judged by. PostgreSQL: the database's (one clock for every machine
   * sharing the store, so a console whose clock runs fast does not judge healthy workers' leases lapsed),
   * in the store's ISO text format. SQLite: undefined, the one machine's clock is used.
   */
  async leaseClock(): Promise<Date | undefined> {
    if (this.db.dialect !== 'postgres') return undefined;
    const row = await this.db.get<{ now: string }>(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now`);
    return row === undefined ? undefined : new Date(row.now);
  }

  async requestCancel(id: number, now: string): Promise<boolean> {
    const info = await this.db.run(`UPDATE runs SET cancel_requested_at = ? WHERE id = ? AND state IN ('queued','running')`, [now, id]);
    return info.changes === 1;
  }

  /** Which of these runs someone asked to cancel (possibly from another process). */
  async cancelRequested(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.all<{ id: number }>(`SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND id IN (${ids.map(() => '?').join(',')})`, ids);
    return rows.map((row) => Number(row.id));
  }

  /**
   * Renews the lease of these runs (only while they are still active and still ours) and
   * returns the ids that are not: another process interrupted them after their lease ran out,
   * so the owner must stop working on them.
   */
  async heartbeat(ids: readonly number[], now: string, lease?: { ownerId: string; expiresAt: string }): Promise<number[]> {
    const renew = `UPDATE runs SET heartbeat_at = ?, lease_expires_at = COALESCE(?, lease_expires_at)
       WHERE id = ? AND state IN ('queued','running') AND (CAST(? AS TEXT) IS NULL OR owner_id = ?)`;
    const results = await this.db.transaction((tx) =>
      runEach(tx, renew, ids.map((id) => [now, lease?.expiresAt ?? null, id, lease?.ownerId ?? null, lease?.ownerId ?? null])),
    );
    return ids.filter((_, i) => results[i]?.changes === 0);
  }

  /**
   * Queued runs the job queue still holds (owner host `queue`: no worker adopted them yet). Each should be carried
   * by a live job; the stranded-run check (run-host-executor.ts) ends those none carries for a while.
   */
  async heldByQueue(): Promise<{ id: number; engine: string; scope: string }[]> {
    const rows = await this.db.all<Pick<RunRow, 'id' | 'engine' | 'scope'>>(`SELECT id, engine, scope FROM runs WHERE state = 'queued' AND owner_host = 'queue' ORDER BY id`);
    return rows.map((row) => ({ id: Number(row.id), engine: row.engine, scope: row.scope }));
  }

  async activeOwners(): Promise<ActiveRunOwner[]> {
    return (
      await this.db.all<Pick<RunRow, 'id' | 'owner_pid' | 'owner_id' | 'owner_host' | 'heartbeat_at' | 'lease_expires_at'>>(
        `SELECT id, owner_pid, owner_id, owner_host, heartbeat_at, lease_expires_at FROM runs WHERE state IN ('queued','running')`,
      )
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
  async interrupt(id: number, seenHeartbeatAt: string, patch: RunPatch, now: string): Promise<boolean> {
    const info = await this.db.run(
      `UPDATE runs SET state = 'interrupted', heartbeat_at = ?, finished_at = ?, error_json = ?
       WHERE id = ? AND state IN ('queued','running') AND heartbeat_at = ?`,
      [now, patch.finishedAt ?? now, toJson(patch.error), id, seenHeartbeatAt],
    );
    return info.changes === 1;
  }

  async get(id: number): Promise<Run | undefined> {
    const row = await this.db.get<RunRow>(`SELECT * FROM runs WHERE id = ?`, [id]);
    return row && toRun(row);
  }

  async list(filter: RunListFilter): Promise<Page<Run>> {
    const where: string[] = [];
    const args: SqlValue[] = [];
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
    const total = countOf(await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM runs ${clause}`, args));
    const rows = await this.db.all<RunRow>(`SELECT * FROM runs ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`, [...args, filter.limit, filter.offset]);
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
