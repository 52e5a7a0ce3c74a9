import type { ScheduleTrigger } from '../../api/schedules';
import type { SqlExecutor } from '../../appdb/adapter';
import { quoteTable } from '../../appdb/identifiers';
import { SEED003_DEFAULTS, triggerOfCronSchedule, userIdOfCommand, type Seed003Names } from './pattern';

/** One `cron.job` row as pg_cron holds it, every column (kept whole so an undo writes it back byte for byte). */
export interface CronJobImage {
  jobid: string;
  schedule: string;
  command: string;
  jobname: string | null;
  active: boolean;
  database: string;
  username: string;
  /** The row as `row_to_json(cron.job)` gives it: what undo re-inserts. */
  json: string;
}

export interface CronRunDetail {
  runId: string;
  status: string | null;
  message: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

/** One user of the product's auto-sync table and the cron job it names. */
export interface Seed003User {
  userId: string;
  /** The job id the product's table names (may name a job that no longer exists). */
  jobId: string | null;
  job: CronJobImage | null;
  /** The product's own switch (the table's `enabled`). */
  enabled: boolean;
  intervalMinutes: number | null;
  /** The job calls the auto-sync function for exactly this user: ours to migrate. */
  matched: boolean;
  /** Why a user's job is left alone, in words. */
  reason: string | null;
  /** The console trigger a migration gives this user (matched jobs only). */
  trigger: ScheduleTrigger | null;
}

export type Seed003Detection =
  | { present: false; reason: string }
  | { present: true; names: Seed003Names; total: number; matched: number; unmatched: number; users: Seed003User[] };

/** Rows per product query while classifying every user. */
const PAGE = 2000;

/**
 * Reads the product's per-user pg_cron jobs: every row of the auto-sync
 * table with its cron job, classified (ours to migrate, or left alone and
 * why). Reads in keyset pages, so 12,345 users are a handful of queries.
 * pg_cron's tables exist only in the database named by `cron.database_name`:
 * a product elsewhere says so rather than failing.
 */
export async function detectSeed003(db: SqlExecutor, names: Seed003Names = SEED003_DEFAULTS): Promise<Seed003Detection> {
  const table = quoteTable(names.table);
  const [probe] = await db.query<{ cron: string | null; tbl: string | null }>(`SELECT to_regclass('cron.job')::text AS cron, to_regclass(?)::text AS tbl`, [names.table]);
  if (!probe?.cron) return { present: false, reason: 'pg_cron is not installed in this database (its cron.job table is in the database named by cron.database_name)' };
  if (!probe.tbl) return { present: false, reason: `the product has no ${names.table} table: no per-user pg_cron jobs to migrate` };
  const users: Seed003User[] = [];
  for (let after: string | null = null; ; ) {
    const rows: UserRow[] = await db.query<UserRow>(
      `SELECT a.user_id::text AS user_id, a.cron_job_id::text AS job_id, a.interval_minutes AS interval_minutes, a.enabled AS enabled,
         j.jobid::text AS jobid, j.schedule, j.command, j.jobname, j.active, j.database, j.username, row_to_json(j)::text AS job_json
       FROM ${table} a LEFT JOIN cron.job j ON j.jobid = a.cron_job_id
       ${after === null ? '' : 'WHERE a.user_id::text > ?'} ORDER BY a.user_id::text LIMIT ${PAGE}`,
      after === null ? [] : [after],
    );
    users.push(...rows.map((row) => classify(row, names)));
    if (rows.length < PAGE) break;
    after = (rows[rows.length - 1] as UserRow).user_id;
  }
  const matched = users.filter((u) => u.matched).length;
  return { present: true, names, total: users.length, matched, unmatched: users.length - matched, users };
}

/** The latest runs of these jobs from `cron.job_run_details`, newest first, per job id. */
export async function latestCronRuns(db: SqlExecutor, jobIds: readonly string[], perJob = 3): Promise<Map<string, CronRunDetail[]>> {
  const out = new Map<string, CronRunDetail[]>();
  if (jobIds.length === 0) return out;
  const rows = await db.query<{ jobid: string; runid: string; status: string | null; return_message: string | null; start_time: Date | null; end_time: Date | null }>(
    `SELECT jobid::text AS jobid, runid::text AS runid, status, return_message, start_time, end_time FROM (
       SELECT d.*, row_number() OVER (PARTITION BY d.jobid ORDER BY d.runid DESC) AS n
       FROM cron.job_run_details d WHERE d.jobid = ANY(?::bigint[])) x
     WHERE n <= ? ORDER BY jobid, runid DESC`,
    [`{${jobIds.map((id) => String(BigInt(id))).join(',')}}`, perJob],
  );
  for (const row of rows) {
    const list = out.get(row.jobid) ?? [];
    list.push({ runId: row.runid, status: row.status, message: row.return_message, startedAt: iso(row.start_time), endedAt: iso(row.end_time) });
    out.set(row.jobid, list);
  }
  return out;
}

type UserRow = {
  user_id: string;
  job_id: string | null;
  interval_minutes: number | null;
  enabled: boolean | null;
  jobid: string | null;
  schedule: string | null;
  command: string | null;
  jobname: string | null;
  active: boolean | null;
  database: string | null;
  username: string | null;
  job_json: string | null;
};

function classify(row: UserRow, names: Seed003Names): Seed003User {
  const job: CronJobImage | null =
    row.jobid !== null && row.job_json !== null
      ? {
          jobid: row.jobid,
          schedule: row.schedule ?? '',
          command: row.command ?? '',
          jobname: row.jobname,
          active: row.active === true,
          database: row.database ?? '',
          username: row.username ?? '',
          json: row.job_json,
        }
      : null;
  const base = { userId: row.user_id, jobId: row.job_id, job, enabled: row.enabled !== false, intervalMinutes: row.interval_minutes === null ? null : Number(row.interval_minutes) };
  const leftAlone = (reason: string): Seed003User => ({ ...base, matched: false, reason, trigger: null });
  if (row.job_id === null) return leftAlone('no cron job (auto-sync off for this user)');
  if (!job) return leftAlone(`cron job ${row.job_id} does not exist any more`);
  const commandUser = userIdOfCommand(job.command, names.functionName);
  if (commandUser === null) return leftAlone(`its command is not a plain ${names.functionName}(<user id>) call: left alone`);
  if (commandUser !== row.user_id) return leftAlone(`its command calls ${names.functionName} for another user: left alone`);
  return { ...base, matched: true, reason: null, trigger: triggerOfCronSchedule(job.schedule) };
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
