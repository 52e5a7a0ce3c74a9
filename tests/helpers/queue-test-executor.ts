import type pg from 'pg';
import type { RunAttempt, RunExecutor } from '../../core/queue/run-executor';
import type { RunJobData } from '../../core/queue/run-job';

/**
 * The tables a queue test plays the store and the product with: `test_runs`
 * (a run row with the store's single flight: one queued/running run per
 * engine+scope), `executions` (one row per attempt, for "none run twice") and
 * `product_rows` (an engine's idempotent writes, unique per scope+item).
 */
export const QUEUE_TEST_SCHEMA = `
  CREATE TABLE IF NOT EXISTS test_runs (
    id serial PRIMARY KEY, engine text NOT NULL, scope text NOT NULL, state text NOT NULL,
    owner text, attempt int NOT NULL DEFAULT 0, events text[] NOT NULL DEFAULT '{}', error text
  );
  CREATE UNIQUE INDEX IF NOT EXISTS test_runs_one_active ON test_runs(engine, scope) WHERE state IN ('queued','running');
  CREATE TABLE IF NOT EXISTS executions (
    id serial PRIMARY KEY, run_id int NOT NULL, job_id uuid NOT NULL, attempt int NOT NULL,
    worker text NOT NULL, pid int NOT NULL, started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz
  );
  CREATE TABLE IF NOT EXISTS failing_scopes (scope text PRIMARY KEY);
  CREATE TABLE IF NOT EXISTS product_rows (scope text NOT NULL, item int NOT NULL, written_by text NOT NULL, PRIMARY KEY (scope, item));
  CREATE TABLE IF NOT EXISTS workers (
    id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, engines_json TEXT NOT NULL, concurrency INTEGER NOT NULL,
    running INTEGER NOT NULL DEFAULT 0, draining INTEGER NOT NULL DEFAULT 0, started_at TEXT NOT NULL, heartbeat_at TEXT NOT NULL, stopped_at TEXT
  );
`;

export interface TestExecutorOptions {
  /** Time one run takes (it writes its items spread over it). */
  workMs: number;
  itemsPerRun: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Executes test runs as the real executor's contract says: claim the run
 * (queued, or running under a lost attempt), record the attempt, write items
 * idempotently, finish it; a finished run is left alone. A scope listed in
 * `failing_scopes` throws on every attempt (dead-letter tests).
 */
export function testExecutor(pool: pg.Pool, options: TestExecutorOptions): RunExecutor {
  return {
    async execute(given: RunAttempt): Promise<void> {
      let attempt = given;
      if (given.redriven) {
        // Retried from the dead letters: a new run of the same scope, unless one is active (then join it).
        const run = await insertQueuedRun(pool, given.engine, given.scope);
        if (run.joined) return;
        await pool.query(`UPDATE test_runs SET events = ARRAY['retry of run ' || $2::text] WHERE id = $1`, [run.runId, given.runId]);
        attempt = { ...given, runId: run.runId };
      }
      const claimed = await pool.query(
        `UPDATE test_runs SET state = 'running', owner = $2::text, attempt = $3::int,
                events = events || CASE WHEN owner IS NOT NULL AND owner <> $2::text THEN ARRAY['attempt ' || $3::text || ' on ' || $2::text || '; worker ' || owner || ' lost'] ELSE '{}'::text[] END
          WHERE id = $1 AND state IN ('queued','running') RETURNING id`,
        [attempt.runId, attempt.workerId, attempt.attempt],
      );
      if (claimed.rowCount === 0) return; // finished by an earlier attempt: nothing to do twice
      const execution = await pool.query<{ id: number }>(
        `INSERT INTO executions (run_id, job_id, attempt, worker, pid) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [attempt.runId, attempt.jobId, attempt.attempt, attempt.workerId, process.pid],
      );
      const failing = await pool.query(`SELECT 1 FROM failing_scopes WHERE scope = $1`, [attempt.scope]);
      if (failing.rowCount) throw new Error(`the service refused ${attempt.scope} (HTTP 500)`);
      for (let item = 0; item < options.itemsPerRun; item += 1) {
        if (attempt.signal.aborted) throw new Error('aborted: the job is no longer ours');
        await sleep(options.workMs / options.itemsPerRun, attempt.signal);
        await pool.query(`INSERT INTO product_rows (scope, item, written_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [attempt.scope, item, attempt.workerId]);
      }
      if (attempt.signal.aborted) throw new Error('aborted: the job is no longer ours');
      await pool.query(`UPDATE test_runs SET state = 'succeeded' WHERE id = $1 AND owner = $2`, [attempt.runId, attempt.workerId]);
      await pool.query(`UPDATE executions SET finished_at = now() WHERE id = $1`, [execution.rows[0]?.id]);
    },
    async giveUp(job: RunJobData & { jobId: string }, error: string): Promise<void> {
      await pool.query(`UPDATE test_runs SET state = 'failed', error = $2 WHERE id = $1 AND state IN ('queued','running')`, [job.runId, error]);
    },
  };
}

/** Starting a run in team mode: the queued run row (single flight), then the job carrying it. */
export async function insertQueuedRun(pool: pg.Pool, engine: string, scope: string): Promise<{ runId: number; joined: boolean }> {
  const inserted = await pool.query<{ id: number }>(
    `INSERT INTO test_runs (engine, scope, state) VALUES ($1, $2, 'queued') ON CONFLICT (engine, scope) WHERE state IN ('queued','running') DO NOTHING RETURNING id`,
    [engine, scope],
  );
  if (inserted.rows[0]) return { runId: inserted.rows[0].id, joined: false };
  const existing = await pool.query<{ id: number }>(`SELECT id FROM test_runs WHERE engine = $1 AND scope = $2 AND state IN ('queued','running')`, [engine, scope]);
  const id = existing.rows[0]?.id;
  if (id === undefined) throw new Error('run vanished between insert and read; try again');
  return { runId: id, joined: true };
}
