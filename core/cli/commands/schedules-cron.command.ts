import type { Command } from 'commander';
import type { CronDetection, CronMigrateResult, CronMigrationSummary } from '../../api/cron-migration';
import { installScheduleTick } from '../../team/install-tick';
import { teamTick } from '../../team/team-tick';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { table } from '../output';
import { positiveInt } from '../parse';
import { teamStoreUrl } from '../team-store-url';
import { CliError, unwrap } from '../unwrap';

/**
 * `syncwarden schedules cron-jobs|cron-migrate|cron-undo`: a product's
 * per-user pg_cron jobs (the seed-003 pattern) and their move to console
 * per-user schedules; `tick|install-tick`: team mode's one pg_cron tick.
 */
export function addCronCommands(schedules: Command, globals: () => GlobalOptions): void {
  schedules
    .command('cron-jobs')
    .description('The product database’s per-user pg_cron jobs (one cron.job per user) with their latest runs from cron.job_run_details')
    .option('--left-alone', 'only the jobs that are not the per-user pattern (left alone by a migration)')
    .option('--limit <n>', 'at most this many users', positiveInt)
    .action(async (opts: { leftAlone?: boolean; limit?: number }) =>
      withCliApp(globals(), async (app, out) => {
        const found = unwrap(await callApi(app, 'schedules.cron.detect', { limit: opts.limit ?? 50, offset: 0, matched: opts.leftAlone ? false : undefined })) as CronDetection;
        out.print(found, () => {
          const migration = found.migration ? `\nLatest migration ${found.migration.id}: ${found.migration.state} (${found.migration.jobs} jobs, ${found.migration.schedules} schedules)${found.migration.message ? `: ${found.migration.message}` : ''}.` : '';
          if (!found.present) return `${found.reason ?? 'No per-user pg_cron jobs.'}${migration}`;
          const head = `${found.total} users in the product's auto-sync table: ${found.matched} per-user pg_cron jobs to migrate, ${found.unmatched} left alone.`;
          const rows = found.users.map((u) => {
            const last = u.lastRuns[0];
            return [u.userId, u.jobId ?? '-', u.schedule ?? '-', u.matched ? (u.active && u.enabled ? 'migrate' : 'migrate (off)') : `left alone: ${u.reason ?? ''}`, last ? `${last.status ?? '?'} ${last.startedAt ?? ''}${last.message ? ` ${last.message}` : ''}` : 'never ran'];
          });
          const more = found.filtered > found.users.length ? `\n… ${found.filtered - found.users.length} more (--limit).` : '';
          return `${head}\n${table(['USER', 'JOB', 'SCHEDULE', 'MIGRATION', 'LAST RUN'], rows)}${more}${migration}`;
        });
      }),
    );

  schedules
    .command('cron-migrate')
    .description('Move the per-user pg_cron jobs to console per-user schedules in one step (needs --yes; undo with cron-undo)')
    .option('--yes', 'confirm: the per-user cron jobs are removed from the product and the same schedules created here')
    .action(async (opts: { yes?: boolean }) =>
      withCliApp(globals(), async (app, out) => {
        const found = unwrap(await callApi(app, 'schedules.cron.detect', { limit: 1, offset: 0 })) as CronDetection;
        if (!found.present || found.matched === 0) throw new CliError({ code: 'not-found', message: found.reason ?? 'No per-user pg_cron job to migrate.' }, EXIT.usage);
        if (!opts.yes) {
          throw new CliError({ code: 'invalid-input', message: `cron-migrate would remove ${found.matched} per-user pg_cron jobs from the product and create the same ${found.matched} per-user schedules here (${found.unmatched} other jobs are left alone; undo with \`syncwarden schedules cron-undo\`); add --yes to confirm.` }, EXIT.usage);
        }
        const result = unwrap(await callApi(app, 'schedules.cron.migrate', { expectJobs: found.matched })) as CronMigrateResult;
        out.print(result, () => `Migration ${result.migration.id}: ${result.migrated} per-user pg_cron jobs removed, ${result.migration.schedules} schedules created${result.alreadyScheduled ? ` (${result.alreadyScheduled} users already had one)` : ''}, ${result.leftAlone} jobs left alone. Undo: syncwarden schedules cron-undo ${result.migration.id}`);
      }),
    );

  schedules
    .command('cron-undo')
    .argument('<id>', 'migration id (cron-jobs shows the latest)', positiveInt)
    .description('Undo a migration: the per-user pg_cron jobs come back exactly, the schedules it created are removed')
    .action(async (id: number) =>
      withCliApp(globals(), async (app, out) => {
        const undone = unwrap(await callApi(app, 'schedules.cron.undo', { id })) as CronMigrationSummary;
        out.print(undone, () => `Migration ${undone.id} undone: ${undone.jobs} per-user pg_cron jobs re-created, ${undone.schedules} schedules removed.`);
      }),
    );

  schedules
    .command('install-tick')
    .description('Team mode: install the one pg_cron job that fires the store’s due schedules every minute')
    .option('--store <url>', 'the PostgreSQL team store, postgres://user@host:5432/db (default: $SYNCWARDEN_STORE; password from PGPASSWORD)')
    .action(async (opts: { store?: string }) => {
      const installed = await installScheduleTick(teamStoreUrl('the schedule tick', opts.store, globals().store));
      if (!installed.installed) throw new CliError({ code: 'unavailable', message: installed.reason }, EXIT.error);
      process.stdout.write(`Installed pg_cron job ${installed.jobId} "${installed.jobName}" in database ${installed.cronDatabase}: every minute it runs the due schedules of ${installed.storeDatabase}.\n`);
    });

  schedules
    .command('tick')
    .description('Team mode: fire the store’s due schedules once (what the pg_cron tick does; for a server without pg_cron, run it every minute)')
    .option('--store <url>', 'the PostgreSQL team store, postgres://user@host:5432/db (default: $SYNCWARDEN_STORE; password from PGPASSWORD)')
    .action(async (opts: { store?: string }) => {
      // The app (engines + store), not a bare connection: the slots and run templates SQL cannot compute are
      // filled first (team-tick.ts), so new, edited and cron-expression schedules fire too.
      const global = globals();
      await withCliApp({ ...global, store: teamStoreUrl('the schedule tick', opts.store, global.store) }, async (app, out) => {
        const tick = await teamTick({ store: app.store, engines: app.engines, nowMs: () => app.clock.now().getTime() });
        out.print(tick, () => `${tick.enqueued} runs enqueued (${tick.filled} schedule slots filled${tick.invalid ? `, ${tick.invalid} schedules their engine refuses` : ''}).`);
      });
    });
}
