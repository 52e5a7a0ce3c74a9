import { Command } from 'commander';
import type { Run } from '../../api/models';
import type { AnyEngine } from '../../engines/engine';
import type { EngineCliRevert } from '../../engines/engine-policies';
import { awaitRun, type StartedRun } from '../await-run';
import { callApi, withCliApp, type CliApp, type GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { positiveInt } from '../parse';
import { CliError, unwrap } from '../unwrap';

interface RevertOptions {
  run?: number;
  audit?: number;
  yes?: boolean;
}

type RevertTarget = { runId: number } | { auditId: number };

/**
 * `syncwarden revert --run ID --yes` undoes every revertible change of one
 * run (`--audit ID` one change), through the same run as the console's
 * "Revert this run" button. The engine that undoes it is the run's (or the
 * audit entry's), found in the registry by its `cli.revert` part. Without
 * --yes it states what it would undo and exits 2. A revert that could not
 * undo everything exits 4 and lists what is left, field by field.
 */
export function revertCommand(globals: () => GlobalOptions, engines: readonly AnyEngine[]): Command {
  const reverting = engines.filter((engine) => engine.cli?.revert).map((engine) => engine.id).join(', ') || 'engine';
  return new Command('revert')
    .description(`Undo ${reverting} repairs: every change of one run (--run ID) or one audit entry (--audit ID); needs --yes`)
    .option('--run <id>', `the run whose ${reverting} changes to undo`, positiveInt)
    .option('--audit <id>', 'one audit entry to undo', positiveInt)
    .option('--yes', 'confirm the revert')
    .action(async (opts: RevertOptions) => {
      if ((opts.run === undefined) === (opts.audit === undefined)) {
        process.stderr.write('syncwarden: choose what to revert: --run ID or --audit ID\n');
        process.exitCode = EXIT.usage;
        return;
      }
      await withCliApp(globals(), async (app, out) => {
        const target: RevertTarget = opts.run !== undefined ? { runId: opts.run } : { auditId: opts.audit as number };
        const { engine, revert } = await revertingEngine(app, target);
        if (!opts.yes) {
          const what = 'runId' in target ? await changesOf(app, engine, revert, target.runId) : `audit entry ${target.auditId}`;
          process.stderr.write(`syncwarden: revert would undo ${what} ${revert.where}; add --yes to confirm.\n`);
          process.exitCode = EXIT.usage;
          return;
        }
        const started = unwrap(await callApi(app, 'runs.start', { engine: engine.id, params: revert.params(target) })) as StartedRun;
        await awaitRun(app, started, out, { wait: true, describe: (run) => describeRevert(run, revert) });
      });
    });
}

/** The engine whose change this is (the run's or the audit entry's), when it reverts its changes. */
async function revertingEngine(app: CliApp, target: RevertTarget): Promise<{ engine: AnyEngine; revert: EngineCliRevert }> {
  const [what, engineId] = 'runId' in target ? [`run ${target.runId}`, (await app.store.runs.get(target.runId))?.engine] : [`audit entry ${target.auditId}`, (await app.store.audit.get(target.auditId))?.engine];
  if (engineId === undefined) throw new CliError({ code: 'not-found', message: `there is no ${what}` }, EXIT.usage);
  const engine = engineId === null ? undefined : app.engines.get(engineId);
  const revert = engine?.cli?.revert;
  if (!engine || !revert) throw new CliError({ code: 'invalid-input', message: `${what} is of ${engineId ?? 'no engine'}, whose changes syncwarden revert does not undo` }, EXIT.usage);
  return { engine, revert };
}

/** "2 identity change(s) of run 7 (identity.ban-remote, identity.update-local)": what a run revert would undo. */
async function changesOf(app: CliApp, engine: AnyEngine, revert: EngineCliRevert, runId: number): Promise<string> {
  const entries = (await app.store.audit.byRun(runId)).filter((entry) => entry.engine === engine.id && revert.undoes(entry));
  return `${entries.length} ${engine.id} change(s) of run ${runId} (${[...new Set(entries.map((entry) => entry.action))].join(', ') || 'none'})`;
}

function describeRevert(run: Run, revert: EngineCliRevert): string {
  const head = `${run.engine} revert (run ${run.id}): ${run.state}`;
  if (run.error) return `${head}\n  ${run.error.message}`;
  return [head, ...revert.describe(run.result ?? {})].join('\n');
}
