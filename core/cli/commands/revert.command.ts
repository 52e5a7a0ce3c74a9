import { Command } from 'commander';
import type { Run } from '../../api/models';
import { awaitRun, type StartedRun } from '../await-run';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { positiveInt } from '../parse';
import { unwrap } from '../unwrap';

interface RevertOptions {
  run?: number;
  audit?: number;
  yes?: boolean;
}

/**
 * `syncwarden revert --run ID --yes` undoes every revertible identity change
 * of one run (`--audit ID` one change), through the same contract as the
 * console's "Revert this run" button. Without --yes it states what it would
 * undo and exits 2. A revert that could not undo everything exits 4 and
 * lists what is left, field by field.
 */
export function revertCommand(globals: () => GlobalOptions): Command {
  return new Command('revert')
    .description('Undo identity repairs: every change of one run (--run ID) or one audit entry (--audit ID); needs --yes')
    .option('--run <id>', 'the run whose identity changes to undo', positiveInt)
    .option('--audit <id>', 'one audit entry to undo', positiveInt)
    .option('--yes', 'confirm the revert')
    .action(async (opts: RevertOptions) => {
      if ((opts.run === undefined) === (opts.audit === undefined)) {
        process.stderr.write('syncwarden: choose what to revert: --run ID or --audit ID\n');
        process.exitCode = EXIT.usage;
        return;
      }
      await withCliApp(globals(), async (app, out) => {
        const entries = opts.run !== undefined ? app.store.audit.byRun(opts.run).filter((e) => e.engine === 'identity' && !e.action.startsWith('identity.revert.')) : [];
        if (!opts.yes) {
          const what = opts.run !== undefined ? `${entries.length} identity change(s) of run ${opts.run} (${[...new Set(entries.map((e) => e.action))].join(', ') || 'none'})` : `audit entry ${opts.audit}`;
          process.stderr.write(`syncwarden: revert would undo ${what} on both sides; add --yes to confirm.\n`);
          process.exitCode = EXIT.usage;
          return;
        }
        const started =
          opts.run !== undefined
            ? unwrap(await callApi(app, 'identity.revertRun', { runId: opts.run, confirm: true }))
            : unwrap(await callApi(app, 'runs.start', { engine: 'identity', params: { mode: 'revert', auditId: opts.audit, confirmDestructive: true } }));
        await awaitRun(app, started as StartedRun, out, { wait: true, describe: describeRevert });
      });
    });
}

function describeRevert(run: Run): string {
  const head = `identity revert (run ${run.id}): ${run.state}`;
  if (run.error) return `${head}\n  ${run.error.message}`;
  const result = run.result ?? {};
  // A run revert has counts; a one-entry revert has its entry's status (its `reverted` is the audit id, not a count).
  const counts = 'entries' in result
    ? ['entries', 'reverted', 'partial', 'notRevertible', 'failed', 'changedSince'].filter((k) => k in result).map((k) => `${k} ${String(result[k])}`)
    : typeof result.status === 'string' ? [`audit entry ${String(result.reverted)}: ${result.status}`] : [];
  const left = Array.isArray(result.notUndone) ? (result.notUndone as string[]).map((line) => `  not undone: ${line}`) : [];
  const fields = Array.isArray(result.notRestored) ? (result.notRestored as { field: string; reason: string }[]).map((f) => `  not restored: ${f.field}: ${f.reason}`) : [];
  return [head, ...(counts.length ? [`  ${counts.join(', ')}`] : []), ...left, ...fields].join('\n');
}
