import type { Run } from '../api/models';
import type { Syncwarden } from '../app/app';
import { EXIT } from './exit-codes';
import type { Output } from './output';

export interface StartedRun {
  runId: number;
  alreadyRunning: boolean;
  /** Team mode: why the run may wait (no worker alive for its engine). */
  notice?: string;
  /** --no-wait: the background process that owns the run (start-run.ts). */
  pid?: number;
}

/**
 * What every CLI command that starts a run does next. A run this command
 * joined (alreadyRunning: started by the console, a schedule or another CLI)
 * is waited for like one it started: the store is polled until it ends, and a
 * dead owner's run is swept (interrupted) meanwhile, so the wait is bounded by
 * the owner's lease. The exit code is the run's outcome. With --no-wait the
 * command says that it is not waiting, and who runs the run, and exits 0.
 */
export async function awaitRun(app: Syncwarden, started: StartedRun, out: Output, options: { wait: boolean; describe: (run: Run) => string }): Promise<void> {
  const { runId, alreadyRunning } = started;
  // Before any wait: a queued run with no worker to take it must not look like a hung command.
  if (started.notice) process.stderr.write(`syncwarden: run ${runId} ${started.notice}\n`);
  if (!options.wait) {
    const owner = started.pid === undefined ? '' : ` Background process ${started.pid} runs it; \`syncwarden runs get ${runId}\` shows how it went.`;
    out.print({ ...started, waiting: false }, () =>
      alreadyRunning ? `Run ${runId} is already running; not waiting for it (--no-wait).` : `Queued run ${runId}; not waiting for it (--no-wait).${owner}`,
    );
    return;
  }
  if (alreadyRunning) process.stderr.write(`syncwarden: run ${runId} is already running; waiting for it to end (Ctrl-C stops waiting, not the run).\n`);
  const run = await app.runs.waitFor(runId);
  if (!run) {
    process.stderr.write(`syncwarden: run ${runId} vanished from the store.\n`);
    process.exitCode = EXIT.error;
    return;
  }
  out.print(alreadyRunning ? { ...run, joined: true } : run, () => options.describe(run));
  if (run.state !== 'succeeded') process.exitCode = EXIT.runNotSucceeded;
}
