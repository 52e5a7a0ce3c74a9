import { guardedClient } from '../base/pg-driver';
import { TICK_BATCH } from './schedule-tick.pg';


/**
 * The one pg_cron job that fires team mode's schedules: every minute,
 * `SELECT syncwarden_enqueue_due(…)` in the store's database. pg_cron lives in
 * one database of the server (`cron.database_name`); a store elsewhere gets
 * its job through `cron.schedule_in_database`. Idempotent: installing again
 * replaces the job of the same name.
 */
export type TickInstall =
  | { installed: true; jobId: string; jobName: string; cronDatabase: string; storeDatabase: string }
  | { installed: false; reason: string };

export const TICK_COMMAND = `SELECT syncwarden_enqueue_due(${TICK_BATCH})`;

export function tickJobName(storeDatabase: string): string {
  return `syncwarden-tick:${storeDatabase}`;
}

/** What to do without pg_cron: the same function, called by any other clock. */
export const WITHOUT_PG_CRON = 'until then, call the same function every minute from another scheduler: `syncwarden schedules tick --store <url>` from a systemd timer or a Kubernetes CronJob';

export async function installScheduleTick(storeUrl: string): Promise<TickInstall> {
  const where = await inspect(storeUrl);
  if ('reason' in where) return { installed: false, reason: where.reason };
  const cron = new (guardedClient())({ connectionString: withDatabase(storeUrl, where.cronDatabase) });
  await cron.connect();
  try {
    if (!(await cron.query<{ t: string | null }>(`SELECT to_regclass('cron.job')::text AS t`)).rows[0]?.t) {
      try {
        await cron.query('CREATE EXTENSION IF NOT EXISTS pg_cron');
      } catch (error) {
        return { installed: false, reason: `pg_cron is loaded but its extension is not created in "${where.cronDatabase}", and creating it failed (${message(error)}): run CREATE EXTENSION pg_cron there as a superuser; ${WITHOUT_PG_CRON}` };
      }
    }
    const name = tickJobName(where.storeDatabase);
    // schedule_in_database does not replace a job of the same name in every 1.x: remove ours first.
    await cron.query(`SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = $1 AND username = current_user`, [name]);
    const jobId =
      where.cronDatabase === where.storeDatabase
        ? (await cron.query<{ id: string }>(`SELECT cron.schedule($1, '* * * * *', $2)::text AS id`, [name, TICK_COMMAND])).rows[0]?.id
        : (await cron.query<{ id: string }>(`SELECT cron.schedule_in_database($1, '* * * * *', $2, $3)::text AS id`, [name, TICK_COMMAND, where.storeDatabase])).rows[0]?.id;
    if (!jobId) throw new Error('pg_cron did not return a job id');
    return { installed: true, jobId, jobName: name, cronDatabase: where.cronDatabase, storeDatabase: where.storeDatabase };
  } finally {
    await cron.end();
  }
}

export async function uninstallScheduleTick(storeUrl: string): Promise<boolean> {
  const where = await inspect(storeUrl);
  if ('reason' in where) return false;
  const cron = new (guardedClient())({ connectionString: withDatabase(storeUrl, where.cronDatabase) });
  await cron.connect();
  try {
    const rows = await cron.query(`SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = $1 AND username = current_user`, [tickJobName(where.storeDatabase)]);
    return (rows.rowCount ?? 0) > 0;
  } finally {
    await cron.end();
  }
}

/** One tick by hand (or from another clock): the number of runs it enqueued. */
export async function runScheduleTick(storeUrl: string, max = TICK_BATCH): Promise<number> {
  const client = new (guardedClient())({ connectionString: storeUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: number }>(`SELECT syncwarden_enqueue_due($1) AS n`, [max])).rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function inspect(storeUrl: string): Promise<{ storeDatabase: string; cronDatabase: string } | { reason: string }> {
  const client = new (guardedClient())({ connectionString: storeUrl });
  await client.connect();
  try {
    const row = (
      // cron.database_name exists only once pg_cron is loaded (shared_preload_libraries, which only superusers may read).
      await client.query<{ db: string; cron_db: string | null; available: boolean }>(
        `SELECT current_database() AS db, current_setting('cron.database_name', true) AS cron_db,
           EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_cron') AS available`,
      )
    ).rows[0];
    if (!row) throw new Error('the store did not answer');
    if (!row.available) return { reason: `pg_cron is not installed on this PostgreSQL server (Debian: apt-get install postgresql-15-cron; then shared_preload_libraries = 'pg_cron' and a restart); ${WITHOUT_PG_CRON}` };
    if (row.cron_db === null) {
      return { reason: `pg_cron is installed but not loaded: add it to shared_preload_libraries (and set cron.database_name) and restart PostgreSQL; ${WITHOUT_PG_CRON}` };
    }
    return { storeDatabase: row.db, cronDatabase: row.cron_db };
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
