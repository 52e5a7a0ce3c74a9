import { Command } from 'commander';
import { createEngineRegistry } from '../../engines/registry';
import { QueueWorker } from '../../queue/queue-worker';
import { runHostExecutor } from '../../queue/run-host-executor';
import { runManagerHost } from '../../queue/run-manager-host';
import { RunQueue } from '../../queue/run-queue';
import { WorkersRepo } from '../../queue/workers.repo';
import { startScheduleFiller } from '../../team/team-tick';
import { openCliApp, type GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { createOutput } from '../output';
import { positiveInt } from '../parse';
import { CliError } from '../unwrap';
import { STORE_ENV, teamStoreUrl } from '../team-store-url';
import { storePassword } from '../../store/store-location';

/**
 * `syncwarden worker`: a headless process of team mode that takes run jobs
 * from the store's queue, executes them through the engine registry and the
 * run manager, and drains on SIGTERM (exit 0) or Ctrl-C (exit 130).
 */
export function workerCommand(globals: () => GlobalOptions): Command {
  return new Command('worker')
    .description('Take run jobs from the team store\'s queue (team mode); SIGTERM drains: no new jobs, held ones finish or go back to the queue')
    .option('--concurrency <n>', 'jobs held at once per engine', positiveInt, 2)
    .option('--engines <ids>', 'comma-separated engine ids to take jobs for (default: every engine)')
    .option('--store <url>', `the team store, postgres://user@host:5432/db (default: $${STORE_ENV}; password from PGPASSWORD)`)
    .option('--drain-timeout <seconds>', 'on SIGTERM, how long held jobs may finish before they go back to the queue', positiveInt, 60)
    .action(async (opts: { concurrency: number; engines?: string; store?: string; drainTimeout: number }) => {
      const options = globals();
      const out = createOutput(options.json ?? false);
      const url = teamStoreUrl('a worker', opts.store, options.store);
      // Engines are checked before the store is opened: a typo is a usage error, whatever the store's state.
      const known = (options.engines ?? createEngineRegistry({ withDemoEngine: options.withDemoEngine ?? false }).list()).map((engine) => engine.id);
      const engines = opts.engines ? [...new Set(opts.engines.split(',').map((id) => id.trim()).filter(Boolean))] : known;
      const unknown = engines.filter((id) => !known.includes(id));
      if (engines.length === 0 || unknown.length > 0) {
        throw new CliError({ code: 'invalid-input', message: `unknown engine(s): ${unknown.join(', ') || '(none given)'}; this worker has ${known.join(', ')}` }, EXIT.usage);
      }
      // The same team store holds the runs (the console store) and the queue (pg-boss's schema).
      // Team mode off in the worker's own app: it executes jobs (runAdopted), it does not queue them again.
      const app = await openCliApp({ ...options, store: url, teamMode: false }, 'cli');
      try {
        // The store's password as the app found it (PGPASSWORD, else this machine's keychain): the queue logs in as the store did.
        const password = await storePassword(url, app.machineSecrets);
        const queue = new RunQueue({
          connectionString: url,
          ...(password === undefined ? {} : { password }),
          instanceName: 'syncwarden-worker',
          onError: (error) => app.log.warn({ err: error }, 'job queue error (it retries)'),
        });
        const worker = new QueueWorker({
          queue,
          workers: new WorkersRepo(app.store.db),
          executor: runHostExecutor(runManagerHost(app.runs, app.store)),
          engines,
          concurrency: opts.concurrency,
          log: (line) => app.log.info(line),
        });
        // Handlers first: a signal right after start must still drain.
        const stopped = new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        });
        await worker.start();
        // pg_cron's tick (syncwarden_enqueue_due) cannot compute cron-expression slots nor run templates: every
        // worker fills them every 30 s (idempotent across workers), so those schedules keep firing in team mode.
        const stopFiller = startScheduleFiller(
          { store: app.store, engines: app.engines, nowMs: () => app.clock.now().getTime() },
          { onError: (error) => app.log.warn({ err: error }, 'schedule slot fill failed (retried in 30 s)') },
        );
        out.print({ event: 'worker.started', id: worker.id, engines, concurrency: opts.concurrency }, () =>
          `Syncwarden worker ${worker.id} takes ${engines.join(', ')} (concurrency ${opts.concurrency} per engine). SIGTERM drains.`,
        );
        const keepAlive = setInterval(() => undefined, 60 * 60_000);
        const signal = await stopped;
        clearInterval(keepAlive);
        await stopFiller();
        out.print({ event: 'worker.draining', id: worker.id, held: worker.held }, () => `Draining (${worker.held} job(s) held, up to ${opts.drainTimeout} s)…`);
        await worker.drain(opts.drainTimeout * 1000);
        out.print({ event: 'worker.stopped', id: worker.id, signal }, () => `Stopped (${signal}).`);
        process.exitCode = signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
      } finally {
        await app.dispose();
      }
    });
}
