import type { Run } from '../api/models';
import type { Syncwarden } from '../app/app';
import { awaitRun, type StartedRun } from './await-run';
import { startInBackground, type RunStartCall } from './background-run';
import { callApi, type GlobalOptions } from './context';
import type { Output } from './output';
import { unwrap } from './unwrap';

export interface StartRunOptions {
  /** False with --no-wait. */
  wait: boolean;
  describe: (run: Run) => string;
  /** Said once the run is started or joined, before any wait (schedules run: a skipped firing). */
  onStarted?: (started: StartedRun) => void;
}

/**
 * How every CLI command starts a run: through the contract, then waiting for its end (awaitRun). With
 * --no-wait a run this process would execute itself is started by a background process that owns it to its
 * end (background-run.ts), so "Queued run N" stays true after this process exits. In team mode runs are
 * queued for workers (app.team is that mode's status source, present exactly then): nothing here executes
 * them, so they start directly.
 */
export async function startRun(app: Syncwarden, globals: GlobalOptions, call: RunStartCall, out: Output, options: StartRunOptions): Promise<void> {
  const started = !options.wait && app.team === undefined ? await startInBackground(globals, app.dataDir, call) : (unwrap(await callApi(app, call.method, call.input)) as StartedRun);
  options.onStarted?.(started);
  await awaitRun(app, started, out, options);
}
