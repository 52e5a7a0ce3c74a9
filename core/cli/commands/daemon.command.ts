import { Command } from 'commander';
import type { Run } from '../../api/models';
import { openCliApp, type GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { createOutput } from '../output';

/**
 * `syncwarden daemon`: the desktop's scheduler with no UI, for a server.
 * Same store, engines and schedules; scheduled runs are printed as they
 * start and finish. SIGTERM (a service manager) stops cleanly with 0,
 * Ctrl-C with 130, as documented; active runs are cancelled and recorded.
 */
export function daemonCommand(globals: () => GlobalOptions): Command {
  return new Command('daemon')
    .description('Run the schedules in the background with no UI (for a server); stop with Ctrl-C or SIGTERM')
    .action(async () => {
      const options = globals();
      const out = createOutput(options.json ?? false);
      const app = await openCliApp(options);
      const off = app.events.subscribe((event, payload) => {
        if (event !== 'run.started' && event !== 'run.finished') return;
        const run = payload as Run;
        if (run.trigger !== 'schedule') return;
        out.print({ event, run: { id: run.id, engine: run.engine, scope: run.scope, state: run.state, error: run.error } }, () =>
          event === 'run.started' ? `run ${run.id} ${run.engine} (${run.scope}) started` : `run ${run.id} ${run.engine} (${run.scope}) ${run.state}${run.error ? `: ${run.error.message}` : ''}`,
        );
      });
      // Handlers first: a signal that arrives right after the "started" line must still stop cleanly.
      const stopped = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      app.scheduler.start();
      const status = app.scheduler.status();
      app.log.info({ status }, 'daemon started');
      out.print({ event: 'daemon.started', dataDir: app.dataDir, status }, () =>
        [
          `Syncwarden daemon is running the schedules (data: ${app.dataDir}).`,
          status.nextRun ? `  Next run: ${status.nextRun.engine} at ${status.nextRun.at}` : '  No schedule is due: add one with `syncwarden schedules add`.',
          'Press Ctrl-C to stop.',
        ].join('\n'),
      );
      // The scheduler's timer is unref'd (one-shot commands must exit): this keeps the daemon up.
      const keepAlive = setInterval(() => undefined, 60 * 60_000);
      const signal = await stopped;
      clearInterval(keepAlive);
      app.log.info({ signal }, 'daemon stopping');
      off();
      await app.scheduler.settled();
      await app.dispose();
      out.print({ event: 'daemon.stopped', signal }, () => `Stopped (${signal}).`);
      process.exitCode = signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
    });
}
