import { ApiError } from '../api/errors';
import type { CronDetection, CronMigrationSummary } from '../api/cron-migration';
import type { HandlerTable } from '../engines/engine-policies';
import { detectSeed003, latestCronRuns } from '../team/seed003/detect';
import { latestMigration, type CronMigration } from '../team/seed003/journal';
import { CronMigrationError, migrateSeed003, resumeSeed003, undoSeed003, type CronMigrationDeps } from '../team/seed003/migrate';
import type { AppServices } from './services';

type CronMethods = 'schedules.cron.detect' | 'schedules.cron.migrate' | 'schedules.cron.undo';

/**
 * The Schedules page's notice about a product that runs one pg_cron job per
 * user (the seed-003 pattern), its migration to console per-user schedules,
 * and the undo. The schedules run the engine whose schedule policy derives
 * per-user schedules that replace a product's pg_cron auto-sync (its
 * descriptor says so: mail import), found in the registry.
 */
export function createCronMigrationHandlers(app: AppServices): Pick<HandlerTable, CronMethods> {
  const store = () => app.store.db;
  const perUserEngine = (): string => {
    const engine = app.engines.list().find((e) => e.schedule?.perUser?.replacesCronAutoSync);
    if (!engine) throw new ApiError('unavailable', 'No engine of this console runs per-user schedules: nothing to migrate the pg_cron jobs to.');
    return engine.id;
  };
  const withDeps = <T>(actor: CronMigrationDeps['actor'], work: (deps: CronMigrationDeps) => Promise<T>): Promise<T> =>
    app.connections.withAppDb(async (product) => {
      if (product.db.dialect !== 'postgres') throw new ApiError('unavailable', 'The product database is SQLite: it has no pg_cron jobs.');
      return work({ store: store(), product: product.db, productName: product.connection.name, engine: perUserEngine(), by: actor, actor, now: () => app.clock.now().toISOString() });
    });
  const reload = async (ids: readonly number[]) => {
    // One at a time: the scheduler reads each row from the store (thousands of migrated schedules).
    for (const id of ids) await app.scheduler.scheduleChanged(id);
    app.events.emit('schedules.changed', {});
  };
  const failed = (error: unknown): never => {
    if (error instanceof CronMigrationError) throw new ApiError(error.code === 'failed' ? 'unavailable' : 'conflict', error.message, { code: error.code });
    throw error;
  };

  return {
    'schedules.cron.detect': async ({ limit, offset, matched }) => {
      const migration = await latestMigration(store());
      return app.connections.withAppDb(async (product): Promise<CronDetection> => {
        const none = (reason: string): CronDetection => ({ present: false, reason, total: 0, matched: 0, unmatched: 0, users: [], filtered: 0, migration: migration ? summary(migration) : null });
        if (product.db.dialect !== 'postgres') return none('The product database is SQLite: it has no pg_cron jobs.');
        const found = await detectSeed003(product.db);
        if (!found.present) return none(found.reason);
        const users = matched === undefined ? found.users : found.users.filter((u) => u.matched === matched);
        const page = users.slice(offset, offset + limit);
        const runs = await latestCronRuns(product.db, page.flatMap((u) => (u.job ? [u.job.jobid] : [])));
        return {
          present: true,
          reason: null,
          total: found.total,
          matched: found.matched,
          unmatched: found.unmatched,
          filtered: users.length,
          migration: migration ? summary(migration) : null,
          users: page.map((u) => ({
            userId: u.userId,
            jobId: u.jobId,
            jobName: u.job?.jobname ?? null,
            schedule: u.job?.schedule ?? null,
            command: u.job?.command ?? null,
            active: u.job?.active ?? false,
            enabled: u.enabled,
            matched: u.matched,
            reason: u.reason,
            trigger: u.trigger,
            lastRuns: (u.job && runs.get(u.job.jobid)) ?? [],
          })),
        };
      });
    },
    'schedules.cron.migrate': ({ expectJobs }, { actor }) =>
      withDeps(actor, async (deps) => {
        // A step that stopped between the two databases is finished (or rolled back) first.
        await resumeSeed003(deps);
        const found = await detectSeed003(deps.product);
        if (found.present && found.matched !== expectJobs) {
          throw new ApiError('conflict', `The product now has ${found.matched} per-user pg_cron jobs to migrate, not the ${expectJobs} you confirmed: look again, then confirm.`, { matched: found.matched });
        }
        const result = await migrateSeed003(deps).catch(failed);
        await reload(result.migration.schedules.map((s) => s.scheduleId));
        return { migration: summary(result.migration), migrated: result.migrated, alreadyScheduled: result.alreadyScheduled, leftAlone: result.leftAlone };
      }),
    'schedules.cron.undo': ({ id }, { actor }) =>
      withDeps(actor, async (deps) => {
        await resumeSeed003(deps);
        const undone = await undoSeed003(deps, id).catch(failed);
        await reload(undone.schedules.map((s) => s.scheduleId));
        return summary(undone);
      }),
  };
}

function summary(m: CronMigration): CronMigrationSummary {
  return { id: m.id, state: m.state, jobs: m.jobs.length, schedules: m.schedules.length, message: m.message, createdBy: m.createdBy, createdAt: m.createdAt, updatedAt: m.updatedAt };
}
