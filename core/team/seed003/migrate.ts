import type { AppDbAdapter, SqlExecutor } from '../../appdb/adapter';
import type { RunTrigger } from '../../api/models';
import type { StoreDb } from '../../store/store-db';
import { detectSeed003, type Seed003User } from './detect';
import {
  ACTIVE_STATES,
  appendAudit,
  deleteSchedules,
  getMigration,
  insertMigration,
  insertUserSchedule,
  latestMigration,
  setMigration,
  setSchedulesEnabled,
  usersWithSchedule,
  type CronMigration,
  type CronMigrationSchedule,
} from './journal';
import { SEED003_DEFAULTS, type Seed003Names } from './pattern';

/**
 * Moving a product's per-user pg_cron jobs (the seed-003 pattern) to console
 * per-user schedules, and back. Two databases change, so no single
 * transaction covers both; the order makes every stop point safe, and the
 * journal (journal.ts) says where a stopped step was:
 *
 * migrate: journal + schedules created DISABLED (store transaction) →
 *   every cron job removed in ONE product transaction (after checking each is
 *   still exactly what was read) → schedules enabled + journal "migrated" +
 *   audit (store transaction). A failure in the product transaction removes
 *   the schedules again: the product keeps every job.
 * undo: schedules disabled (store) → every cron.job row re-inserted whole,
 *   same jobid, in ONE product transaction → schedules deleted + "undone" +
 *   audit (store). Never do both fire; at worst a slot is skipped.
 *
 * `resume` finishes or rolls back a step that stopped between the two
 * databases, by looking at which jobs exist in the product.
 */
export interface CronMigrationDeps {
  store: StoreDb;
  product: AppDbAdapter;
  /** The product database's name, for the journal and the audit log. */
  productName: string;
  /** The engine each user's schedule runs (mail import). */
  engine: string;
  by: string;
  actor: RunTrigger;
  now: () => string;
  names?: Seed003Names;
  /** Test seam: called between steps, so a test can fail a step midway. */
  checkpoint?: (step: 'schedules-created' | 'product-committed' | 'undo-disabled' | 'undo-product-committed') => Promise<void>;
}

export class CronMigrationError extends Error {
  constructor(
    message: string,
    readonly code: 'nothing-to-migrate' | 'in-progress' | 'not-migrated' | 'changed' | 'failed',
  ) {
    super(message);
  }
}

export interface MigrateResult {
  migration: CronMigration;
  /** Users whose jobs were taken over; users left alone (another command, no job) are not counted. */
  migrated: number;
  /** Users who already had a console schedule of this engine: their job is removed, no second schedule. */
  alreadyScheduled: number;
  leftAlone: number;
}

export async function migrateSeed003(deps: CronMigrationDeps): Promise<MigrateResult> {
  const names = deps.names ?? SEED003_DEFAULTS;
  const open = await latestMigration(deps.store);
  if (open && ACTIVE_STATES.includes(open.state)) throw new CronMigrationError(`migration ${open.id} stopped while ${open.state}: resume it first`, 'in-progress');
  const detection = await detectSeed003(deps.product, names);
  if (!detection.present) throw new CronMigrationError(detection.reason, 'nothing-to-migrate');
  const users = detection.users.filter((u): u is Seed003User & { job: NonNullable<Seed003User['job']>; trigger: NonNullable<Seed003User['trigger']> } => u.matched && u.job !== null && u.trigger !== null);
  if (users.length === 0) throw new CronMigrationError('no per-user pg_cron job calls the auto-sync function: nothing to migrate', 'nothing-to-migrate');

  // 1. Journal and disabled schedules, in one store transaction.
  let alreadyScheduled = 0;
  const { id, schedules } = await deps.store.transaction(async (tx) => {
    const now = deps.now();
    const id = await insertMigration(tx, deps.productName, users.map((u) => u.job.json), deps.by, now);
    const existing = await usersWithSchedule(tx, deps.engine);
    const schedules: CronMigrationSchedule[] = [];
    for (const user of users) {
      if (existing.has(user.userId)) {
        alreadyScheduled++;
        continue;
      }
      const scheduleId = await insertUserSchedule(tx, deps.engine, user.userId, user.trigger, deps.by, now);
      schedules.push({ scheduleId, userId: user.userId, enable: user.enabled && user.job.active });
    }
    await setMigration(tx, id, { state: 'preparing', schedules }, now);
    return { id, schedules };
  });
  await deps.checkpoint?.('schedules-created');

  // 2. Every cron job removed in one product transaction, or none.
  try {
    await deps.product.transaction((tx) => unscheduleExactly(tx, users.map((u) => u.job.json)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.store.transaction(async (tx) => {
      await deleteSchedules(tx, schedules);
      await setMigration(tx, id, { state: 'failed', message: `the product's cron jobs were left as they were: ${message}` }, deps.now());
    });
    throw new CronMigrationError(`migrating the per-user pg_cron jobs failed; nothing changed in the product: ${message}`, error instanceof CronMigrationError ? error.code : 'failed');
  }
  await deps.checkpoint?.('product-committed');

  // 3. Schedules on, journal done, audit.
  await finishMigrate(deps, id, schedules, users.length);
  const migration = await getMigration(deps.store, id);
  if (!migration) throw new Error(`migration ${id} vanished from the journal`);
  return { migration, migrated: users.length, alreadyScheduled, leftAlone: detection.unmatched };
}

export async function undoSeed003(deps: CronMigrationDeps, id?: number): Promise<CronMigration> {
  const migration = id === undefined ? await latestMigration(deps.store) : await getMigration(deps.store, id);
  if (!migration || migration.state !== 'migrated') throw new CronMigrationError(migration ? `migration ${migration.id} is ${migration.state}, not migrated: nothing to undo` : 'no migration to undo', 'not-migrated');
  await deps.store.transaction(async (tx) => {
    await setSchedulesEnabled(tx, migration.schedules, false, deps.by, deps.now());
    await setMigration(tx, migration.id, { state: 'undoing' }, deps.now());
  });
  await deps.checkpoint?.('undo-disabled');
  try {
    await deps.product.transaction((tx) => restoreExactly(tx, migration.jobs));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.store.transaction(async (tx) => {
      await setSchedulesEnabled(tx, migration.schedules, 'as-planned', deps.by, deps.now());
      await setMigration(tx, migration.id, { state: 'migrated', message: `undo failed, nothing re-created: ${message}` }, deps.now());
    });
    throw new CronMigrationError(`re-creating the pg_cron jobs failed; the console schedules stay on: ${message}`, 'failed');
  }
  await deps.checkpoint?.('undo-product-committed');
  await finishUndo(deps, migration);
  return (await getMigration(deps.store, migration.id)) as CronMigration;
}

/**
 * Finishes or rolls back a step that stopped between the two databases: the
 * product says which side of its one transaction the step was on.
 */
export async function resumeSeed003(deps: CronMigrationDeps): Promise<CronMigration | undefined> {
  const migration = await latestMigration(deps.store);
  if (!migration || !ACTIVE_STATES.includes(migration.state)) return migration;
  const present = await presentJobs(deps.product, migration.jobs);
  if (migration.state === 'preparing') {
    if (present === 0) await finishMigrate(deps, migration.id, migration.schedules, migration.jobs.length);
    else
      await deps.store.transaction(async (tx) => {
        await deleteSchedules(tx, migration.schedules);
        await setMigration(tx, migration.id, { state: 'failed', message: 'stopped before the cron jobs were removed: rolled back' }, deps.now());
      });
  } else if (present === migration.jobs.length) {
    await finishUndo(deps, migration);
  } else {
    await deps.store.transaction(async (tx) => {
      await setSchedulesEnabled(tx, migration.schedules, 'as-planned', deps.by, deps.now());
      await setMigration(tx, migration.id, { state: 'migrated', message: 'the undo stopped before the cron jobs were re-created: schedules back on' }, deps.now());
    });
  }
  return getMigration(deps.store, migration.id);
}

async function finishMigrate(deps: CronMigrationDeps, id: number, schedules: readonly CronMigrationSchedule[], jobs: number): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const now = deps.now();
    await setSchedulesEnabled(tx, schedules, 'as-planned', deps.by, now);
    await setMigration(tx, id, { state: 'migrated', message: null }, now);
    await appendAudit(tx, {
      at: now,
      actor: deps.actor,
      engine: deps.engine,
      action: 'schedules.cron-migrate',
      subject: `cron-migration:${id}`,
      before: { product: deps.productName, perUserCronJobs: jobs },
      after: { consoleSchedules: schedules.length, by: deps.by, undo: `syncwarden schedules cron-undo ${id}` },
    });
  });
}

async function finishUndo(deps: CronMigrationDeps, migration: CronMigration): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const now = deps.now();
    await deleteSchedules(tx, migration.schedules);
    await setMigration(tx, migration.id, { state: 'undone', message: null }, now);
    await appendAudit(tx, {
      at: now,
      actor: deps.actor,
      engine: deps.engine,
      action: 'schedules.cron-undo',
      subject: `cron-migration:${migration.id}`,
      before: { consoleSchedules: migration.schedules.length },
      after: { product: deps.productName, perUserCronJobs: migration.jobs.length, by: deps.by },
    });
  });
}

/** Locks the jobs, checks each is still exactly the row read, and removes them all. */
async function unscheduleExactly(tx: SqlExecutor, jobs: readonly string[]): Promise<void> {
  const ids = jobs.map(jobIdOf);
  const rows = await tx.query<{ jobid: string; json: string }>(`SELECT jobid::text AS jobid, row_to_json(j)::text AS json FROM cron.job j WHERE jobid = ANY(?::bigint[]) FOR UPDATE`, [pgArray(ids)]);
  const now = new Map(rows.map((r) => [r.jobid, r.json]));
  const changed = jobs.filter((json) => now.get(jobIdOf(json)) !== json).length;
  if (changed > 0) throw new CronMigrationError(`${changed} of the ${jobs.length} cron jobs changed or vanished since they were read: detect again`, 'changed');
  const removed = await tx.execute(`DELETE FROM cron.job WHERE jobid = ANY(?::bigint[])`, [pgArray(ids)]);
  if (removed.changes !== jobs.length) throw new CronMigrationError(`only ${removed.changes} of ${jobs.length} cron jobs could be removed (another owner's jobs?)`, 'failed');
}

/** Re-inserts each cron.job row whole (same jobid, schedule, command, owner, name, active). */
async function restoreExactly(tx: SqlExecutor, jobs: readonly string[]): Promise<void> {
  const present = new Set((await tx.query<{ jobid: string }>(`SELECT jobid::text AS jobid FROM cron.job WHERE jobid = ANY(?::bigint[])`, [pgArray(jobs.map(jobIdOf))])).map((r) => r.jobid));
  if (present.size > 0) throw new CronMigrationError(`${present.size} of the jobs to re-create exist again (job ids reused?): nothing re-created`, 'changed');
  for (let at = 0; at < jobs.length; at += 500) {
    const slice = jobs.slice(at, at + 500);
    await tx.execute(`INSERT INTO cron.job SELECT * FROM json_populate_recordset(NULL::cron.job, ?::json)`, [`[${slice.join(',')}]`]);
  }
}

async function presentJobs(product: SqlExecutor, jobs: readonly string[]): Promise<number> {
  const [row] = await product.query<{ n: string }>(`SELECT count(*)::text AS n FROM cron.job WHERE jobid = ANY(?::bigint[])`, [pgArray(jobs.map(jobIdOf))]);
  return Number(row?.n ?? 0);
}

function jobIdOf(json: string): string {
  return String((JSON.parse(json) as { jobid: number | string }).jobid);
}

function pgArray(ids: readonly string[]): string {
  return `{${ids.map((id) => String(BigInt(id))).join(',')}}`;
}
