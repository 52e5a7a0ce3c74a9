import type { TeamDeadLetter, TeamQueueDepth, TeamStatusSource, TeamThroughputBucket, TeamWorker } from '../team/team-status';
import { deadQueueName, engineOfQueue } from './queue-config';
import { parseRunJobData } from './run-job';
import type { RunQueue } from './run-queue';
import type { WorkersRepo } from './workers.repo';

export interface PgBossTeamStatusOptions {
  queue: RunQueue;
  workers: WorkersRepo;
  /** A worker whose row was not refreshed for this long is shown lost (default 30 s: six missed beats). */
  workerLeaseMs?: number;
  now?: () => Date;
}

/**
 * Team status read from pg-boss's own tables (job counts, completions, dead
 * letters) and the workers table. Exact counts from `pgboss.job`, not pg-boss's
 * cached queue stats, which lag up to a minute.
 */
export class PgBossTeamStatus implements TeamStatusSource {
  private readonly leaseMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: PgBossTeamStatusOptions) {
    this.leaseMs = options.workerLeaseMs ?? 30_000;
    this.now = options.now ?? (() => new Date());
  }

  async workers(): Promise<TeamWorker[]> {
    const now = this.now().getTime();
    // Stopped workers stay listed for an hour, so a drain is visible after it ends.
    const rows = await this.options.workers.list(new Date(now - 3_600_000).toISOString());
    return rows.map((row) => ({
      id: row.id,
      host: row.host,
      pid: row.pid,
      engines: row.engines,
      concurrency: row.concurrency,
      running: row.stoppedAt ? 0 : row.running,
      startedAt: row.startedAt,
      heartbeatAt: row.heartbeatAt,
      alive: row.stoppedAt === null && now - Date.parse(row.heartbeatAt) <= this.leaseMs,
      draining: row.draining,
    }));
  }

  async depth(): Promise<TeamQueueDepth[]> {
    const { rows } = await this.options.queue.reads.query<{ name: string; state: string; n: string }>(
      `SELECT name, state::text AS state, count(*) AS n FROM pgboss.job
        WHERE (name LIKE 'sw.run.%' OR name LIKE 'sw.dead.%') AND state IN ('created','retry','active')
        GROUP BY name, state`,
    );
    const byEngine = new Map<string, { queued: number; active: number; deadLetter: number }>();
    const { rows: queues } = await this.options.queue.reads.query<{ name: string }>(`SELECT name FROM pgboss.queue WHERE name LIKE 'sw.run.%'`);
    for (const queue of queues) {
      const engine = engineOfQueue(queue.name)?.engine;
      if (engine) byEngine.set(engine, { queued: 0, active: 0, deadLetter: 0 });
    }
    for (const row of rows) {
      const parsed = engineOfQueue(row.name);
      if (!parsed) continue;
      const entry = byEngine.get(parsed.engine) ?? { queued: 0, active: 0, deadLetter: 0 };
      const n = Number(row.n);
      // A dead-letter queue is never worked, so every job waiting there is a dead letter.
      if (parsed.dead) entry.deadLetter += n;
      else if (row.state === 'active') entry.active += n;
      else entry.queued += n;
      byEngine.set(parsed.engine, entry);
    }
    return [...byEngine.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([engine, counts]) => ({ engine, ...counts }));
  }

  async throughput(sinceIso: string, bucketMinutes: number): Promise<TeamThroughputBucket[]> {
    const seconds = Math.max(1, Math.round(bucketMinutes * 60));
    // Terminal outcomes only: a failure that will be retried is not a failure yet.
    const { rows } = await this.options.queue.reads.query<{ bucket: Date; name: string; completed: string; failed: string }>(
      `SELECT to_timestamp(floor(extract(epoch FROM completed_on) / $2) * $2) AS bucket, name,
              count(*) FILTER (WHERE state = 'completed') AS completed,
              count(*) FILTER (WHERE state = 'failed') AS failed
         FROM pgboss.job
        WHERE name LIKE 'sw.run.%' AND state IN ('completed','failed') AND completed_on >= $1::timestamptz
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [sinceIso, seconds],
    );
    return rows.flatMap((row) => {
      const engine = engineOfQueue(row.name)?.engine;
      return engine ? [{ at: new Date(row.bucket).toISOString(), engine, completed: Number(row.completed), failed: Number(row.failed) }] : [];
    });
  }

  async deadLetters(page: { limit: number; offset: number }): Promise<{ items: TeamDeadLetter[]; total: number }> {
    const limit = Math.min(Math.max(1, Math.floor(page.limit)), 500);
    const offset = Math.max(0, Math.floor(page.offset));
    const reads = this.options.queue.reads;
    // Waiting in a dead-letter queue (never worked), or failed there by a redrive that collided
    // with a newer job of the same engine+scope: both are dead letters a human can retry.
    const total = await reads.query<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE name LIKE 'sw.dead.%' AND state IN ('created','failed')`);
    const { rows } = await reads.query<{ id: string; name: string; data: unknown; source_retry_count: number | null; source_output: unknown; created_on: Date }>(
      `SELECT id, name, data, source_retry_count, source_output, created_on FROM pgboss.job
        WHERE name LIKE 'sw.dead.%' AND state IN ('created','failed')
        ORDER BY created_on DESC, id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    const items = rows.map((row): TeamDeadLetter => {
      let runId: number | null = null;
      let scope = '';
      try {
        const data = parseRunJobData(row.data);
        runId = data.runId;
        scope = data.scope;
      } catch {
        // Shown with what is readable; retry still works on the job id.
      }
      return {
        jobId: row.id,
        engine: engineOfQueue(row.name)?.engine ?? row.name,
        scope,
        runId,
        attempts: (row.source_retry_count ?? 0) + 1,
        error: errorText(row.source_output),
        failedAt: new Date(row.created_on).toISOString(),
      };
    });
    return { items, total: Number(total.rows[0]?.n ?? 0) };
  }

  async retryDeadLetter(jobId: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(jobId)) return false;
    const { rows } = await this.options.queue.reads.query<{ name: string; state: string }>(
      `SELECT name, state::text AS state FROM pgboss.job WHERE id = $1 AND name LIKE 'sw.dead.%' AND state IN ('created','failed')`,
      [jobId],
    );
    const name = rows[0]?.name;
    const engine = name ? engineOfQueue(name)?.engine : undefined;
    if (!engine) return false;
    // A redrive that collided earlier left it failed in the dead-letter queue: waiting again first.
    if (rows[0]?.state === 'failed') await this.options.queue.boss.retry(deadQueueName(engine), jobId);
    // pg-boss's redrive moves it back to the queue it failed on, with fresh retries.
    const moved = await this.options.queue.boss.redrive(deadQueueName(engine), { ids: [jobId], limit: 1 });
    return moved > 0;
  }
}

/** pg-boss stores a handler's thrown error as {name, message, stack}; a string or anything else as given. */
function errorText(output: unknown): string {
  if (output && typeof output === 'object') {
    const { message } = output as { message?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    return JSON.stringify(output);
  }
  return output === null || output === undefined ? 'failed without an error message' : String(output);
}
