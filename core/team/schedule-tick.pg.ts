/**
 * Schedules fired by PostgreSQL (team mode). Per-user schedules are not one
 * pg_cron job each (pg_cron keeps every job in memory and wakes each one: it
 * does not scale past a few thousand): ONE pg_cron job a minute calls
 * `syncwarden_enqueue_due`, which takes the due schedules by the
 * `schedules_due` index on next_run_at and, per schedule, in the tick's one
 * transaction:
 *
 * - locks it `FOR UPDATE SKIP LOCKED`, so two overlapping ticks (a slow tick,
 *   a second store init, a manual `schedules tick`) share the due rows instead
 *   of both firing them;
 * - single flight as the run manager has it: an active run of the same engine
 *   and scope is recorded as a skipped firing (with that run's id); otherwise a
 *   queued run is inserted (the partial unique index `runs_one_active_per_scope`
 *   settles a race with a console starting the same run) and a pg-boss job
 *   naming it is inserted into pgboss.job, the way pg-boss's own insert does
 *   (plans.js insertJobs: the queue's policy, retries, expiry, heartbeat and dead
 *   letter copied from pgboss.queue; singleton key engine:scope);
 * - records the firing in schedule_firings and on the row, as the desktop does;
 * - advances next_run_at. Interval schedules advance here: slots are
 *   `next_run_at + k × interval`, so the per-user jitter the JS side put into
 *   the first slot (core/scheduler/jitter.ts, a SHA-1 of the schedule key that
 *   SQL has no built-in for) is kept for ever. A schedule whose slots were
 *   missed (store down, ticks paused) fires ONCE and skips ahead half an
 *   interval past now, exactly as the desktop scheduler's catch-up does.
 *   Cron-expression schedules are left with next_run_at NULL after firing: the
 *   JS side (schedule-fill.ts, with the console's own cron reader and time
 *   zones, which PL/pgSQL lacks) computes their next slot, as it does for any
 *   new or edited schedule.
 *
 * Instants are ISO-8601 text like everywhere in the store; they compare as
 * text, so the due query is an index range scan.
 */

import { runQueueName } from '../queue/queue-config';

/**
 * The pg-boss queue a run of an engine goes to: the queue module's own names (runQueueName), so the workers
 * take what this tick sends. The SQL appends the engine id to this prefix.
 */
export const RUN_QUEUE_PREFIX = runQueueName('');

/** Due schedules fired per tick at most: the rest wait a minute (a tick stays one short transaction). */
export const TICK_BATCH = 2000;

/** How long a queued run may wait for a worker (pg-boss keeps a waiting job 14 days). */
const QUEUED_RUN_LEASE_DAYS = 14;

/** A firing later than this was missed (as the desktop's lateAfterMs): its next slot skips ahead. */
const LATE_SECONDS = 90;

export const ENQUEUE_DUE_FUNCTION_PG = `
CREATE OR REPLACE FUNCTION syncwarden_iso(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$fn$;

CREATE OR REPLACE FUNCTION syncwarden_enqueue_due(max_jobs integer DEFAULT ${TICK_BATCH}, queue_prefix text DEFAULT '${RUN_QUEUE_PREFIX}')
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  s record;
  now_ts timestamptz := clock_timestamp();
  now_iso text := syncwarden_iso(clock_timestamp());
  due timestamptz;
  every interval;
  from_ts timestamptz;
  next_iso text;
  new_run bigint;
  active_run bigint;
  queue_name text;
  outcome text;
  note text;
  inserted integer;
  fired integer := 0;
BEGIN
  FOR s IN
    SELECT id, engine, trigger_json, next_run_at, run_scope, run_params_json
      FROM schedules
     WHERE enabled = 1 AND next_run_at <= now_iso AND run_scope IS NOT NULL
     ORDER BY next_run_at
     LIMIT max_jobs
       FOR UPDATE SKIP LOCKED
  LOOP
    due := s.next_run_at::timestamptz;
    new_run := NULL;
    active_run := NULL;
    note := NULL;

    IF (s.trigger_json::jsonb ->> 'kind') = 'interval' THEN
      every := make_interval(mins => (s.trigger_json::jsonb ->> 'minutes')::integer);
      from_ts := CASE WHEN now_ts - due > interval '${LATE_SECONDS} seconds' THEN now_ts + every / 2 ELSE greatest(now_ts, due) END;
      next_iso := syncwarden_iso(due + every * (floor(extract(epoch FROM from_ts - due) / extract(epoch FROM every)) + 1));
    ELSE
      next_iso := NULL;
    END IF;

    SELECT id INTO active_run FROM runs WHERE engine = s.engine AND scope = s.run_scope AND state IN ('queued', 'running') LIMIT 1;
    queue_name := queue_prefix || s.engine;
    IF active_run IS NOT NULL THEN
      outcome := 'skipped';
      note := 'run ' || active_run || ' of the same engine and scope was still active';
    ELSIF to_regclass('pgboss.queue') IS NULL OR NOT EXISTS (SELECT 1 FROM pgboss.queue WHERE name = queue_name) THEN
      outcome := 'failed';
      note := 'the job queue ' || queue_name || ' does not exist: start a worker for ' || s.engine || ' (syncwarden worker) or run syncwarden store init';
    ELSE
      -- Owned by the queue until a worker adopts it (as RunManager.startInQueue): host 'queue' is no machine's,
      -- so no pid check, and a lease as long as a job may wait, so no sweep ends a run waiting its turn.
      INSERT INTO runs (engine, scope, state, trigger, params_json, api_calls_json, owner_pid, owner_id, owner_host, lease_expires_at, heartbeat_at, created_at)
        VALUES (s.engine, s.run_scope, 'queued', 'schedule', s.run_params_json, '{}', 0, 'queue:' || s.engine, 'queue',
                syncwarden_iso(now_ts + interval '${QUEUED_RUN_LEASE_DAYS} days'), now_iso, now_iso)
        ON CONFLICT DO NOTHING RETURNING id INTO new_run;
      IF new_run IS NULL THEN
        SELECT id INTO active_run FROM runs WHERE engine = s.engine AND scope = s.run_scope AND state IN ('queued', 'running') LIMIT 1;
        outcome := 'skipped';
        note := 'run ' || coalesce(active_run::text, '?') || ' of the same engine and scope was started meanwhile';
      ELSE
        INSERT INTO pgboss.job (id, name, data, priority, start_after, created_on, singleton_key, expire_seconds, deletion_seconds, keep_until,
                                retry_limit, retry_delay, retry_backoff, retry_delay_max, policy, dead_letter, heartbeat_seconds)
          SELECT gen_random_uuid(), q.name,
                 -- A job carries the run it executes, nothing more (s4-queue's RunJobData): params stay on the run row.
                 jsonb_build_object('runId', new_run, 'engine', s.engine, 'scope', s.run_scope),
                 -- pg-boss's own clock (job_now), as its insert stamps start_after and created_on.
                 0, pgboss.job_now(), pgboss.job_now(), s.engine || ':' || s.run_scope, q.expire_seconds, q.deletion_seconds,
                 pgboss.job_now() + q.retention_seconds * interval '1 second',
                 q.retry_limit, q.retry_delay, q.retry_backoff, q.retry_delay_max, q.policy, q.dead_letter, q.heartbeat_seconds
            FROM pgboss.queue q WHERE q.name = queue_name
          ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS inserted = ROW_COUNT;
        IF inserted = 0 THEN
          -- The queue's policy refused a second job for this key: no run without its job.
          DELETE FROM runs WHERE id = new_run;
          active_run := NULL;
          new_run := NULL;
          outcome := 'skipped';
          note := 'a job for ' || s.engine || ':' || s.run_scope || ' was already queued';
        ELSE
          -- A queue with notify (queue-config.ts runQueueOptions) wakes its listening workers, as pg-boss's send does
          -- (plans.js insertJobs + notifyChannelSql for the schema 'pgboss'), instead of after their polling interval.
          IF EXISTS (SELECT 1 FROM pgboss.queue WHERE name = queue_name AND notify) THEN
            PERFORM pg_notify('pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24), queue_name);
          END IF;
          INSERT INTO run_events (run_id, at, kind, message) VALUES (new_run, now_iso, 'state', 'queued by schedule (team mode: waiting for a worker)');
          outcome := 'started';
          fired := fired + 1;
        END IF;
      END IF;
    END IF;

    INSERT INTO schedule_firings (schedule_id, due_at, fired_at, outcome, run_id, attempt, message)
      VALUES (s.id, s.next_run_at, now_iso, outcome, coalesce(new_run, active_run), 1, note);
    UPDATE schedules
       SET next_run_at = next_iso, last_due_at = s.next_run_at, last_fired_at = now_iso, last_outcome = outcome,
           last_firing_run_id = coalesce(new_run, active_run), last_message = note,
           last_run_id = coalesce(new_run, active_run, last_run_id),
           failures = CASE WHEN outcome = 'failed' THEN failures + 1 ELSE failures END
     WHERE id = s.id;
  END LOOP;
  RETURN fired;
END
$fn$;
`;

/**
 * PostgreSQL's side of console-store migration 15 (core/store/migrations.ts,
 * `sql.postgres`, applied by postgres-migrate.ts as version 15): the same
 * columns and journal as SQLite's side, plus the tick function. Shipped: never
 * edit it, change the function in a later migration.
 */
export const MIGRATION_15_PG = `
ALTER TABLE schedules ADD COLUMN next_run_at TEXT;
ALTER TABLE schedules ADD COLUMN run_scope TEXT;
ALTER TABLE schedules ADD COLUMN run_params_json TEXT;
CREATE INDEX schedules_due ON schedules(next_run_at) WHERE enabled = 1;
CREATE TABLE cron_migrations (
  id             BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  state          TEXT    NOT NULL CHECK (state IN ('preparing','migrated','undoing','undone','failed')),
  product        TEXT    NOT NULL,
  jobs_json      TEXT    NOT NULL,
  schedules_json TEXT    NOT NULL DEFAULT '[]',
  message        TEXT,
  created_by     TEXT    NOT NULL,
  created_at     TEXT    NOT NULL,
  updated_at     TEXT    NOT NULL
);
${ENQUEUE_DUE_FUNCTION_PG}
`;
