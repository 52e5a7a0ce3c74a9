import { Command, Option } from 'commander';
import { RUN_STATES, type Run, type RunDetail } from '../../api/models';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { awaitRun } from '../await-run';
import { describeRunDetail } from '../describe';
import { formatDuration, table } from '../output';
import { parseJsonObject, positiveInt } from '../parse';
import { unwrap } from '../unwrap';

export function runsCommand(globals: () => GlobalOptions): Command {
  const runs = new Command('runs').description('List, inspect, start and cancel runs');

  runs
    .command('list')
    .description('Run history, newest first')
    .option('--engine <id>', 'only runs of this engine')
    .addOption(new Option('--state <state...>', 'only runs in these states').choices(RUN_STATES))
    .option('--limit <n>', 'how many runs', positiveInt, 20)
    .action(async (opts: { engine?: string; state?: Run['state'][]; limit: number }) => {
      await withCliApp(globals(), async (app, out) => {
        const page = unwrap(
          await callApi(app, 'runs.list', { engine: opts.engine, states: opts.state, limit: opts.limit }),
        ) as { items: Run[]; total: number };
        out.print(page, () =>
          page.items.length === 0
            ? 'No runs yet. Start one from the console, or with `syncwarden runs start <engine>`.'
            : table(
                ['ID', 'ENGINE', 'SCOPE', 'STATE', 'TRIGGER', 'STARTED', 'DURATION', 'PROGRESS'],
                page.items.map((run) => [
                  String(run.id),
                  run.engine,
                  run.scope,
                  run.state,
                  run.trigger,
                  run.startedAt ?? '',
                  formatDuration(run.startedAt, run.finishedAt),
                  run.progress ? `${run.progress.percent}%` : '',
                ]),
              ) + `\n${page.items.length} of ${page.total} runs`,
        );
      });
    });

  runs
    .command('get <id>')
    .description('One run with its result and event log (text; --json for the whole document)')
    .action(async (id: string) => {
      await withCliApp(globals(), async (app, out) => {
        const detail = unwrap(await callApi(app, 'runs.get', { id: positiveInt(id) })) as RunDetail;
        out.print(detail, () => describeRunDetail(detail));
      });
    });

  runs
    .command('start <engine>')
    .description('Start a run and wait for it to finish')
    .option('--params <json>', 'engine parameters as a JSON object', parseJsonObject, {})
    .option('--no-wait', 'return as soon as the run is queued (or found already running)')
    .action(async (engine: string, opts: { params: Record<string, unknown>; wait: boolean }) => {
      await withCliApp(globals(), async (app, out) => {
        const started = unwrap(await callApi(app, 'runs.start', { engine, params: opts.params })) as {
          runId: number;
          alreadyRunning: boolean;
        };
        await awaitRun(app, started, out, { wait: opts.wait, describe: (run) => `Run ${run.id} ${run.state}${run.error ? `: ${run.error.message}` : ''}` });
      });
    });

  runs
    .command('cancel <id>')
    .description('Cancel a queued or running run')
    .action(async (id: string) => {
      await withCliApp(globals(), async (app, out) => {
        const result = unwrap(await callApi(app, 'runs.cancel', { id: positiveInt(id) })) as { id: number; state: Run['state']; cancelRequested: boolean };
        out.print(result, () => (result.cancelRequested ? `Run ${result.id}: cancel requested (${result.state}).` : `Run ${result.id} is ${result.state}: nothing to cancel.`));
      });
    });

  return runs;
}

