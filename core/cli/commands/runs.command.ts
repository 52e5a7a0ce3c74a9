import { Command, Option } from 'commander';
import { RUN_STATES, type Run, type RunDetail } from '../../api/models';
import { parseRunScope, runScopeText } from '../../api/run-scope';
import { MAX_LOOKUP_KEYS, type UsersLookup } from '../../api/users';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { describeRunDetail } from '../describe';
import { formatDuration, table } from '../output';
import { startRun } from '../start-run';
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
        const emails = await emailsOfScopes(app, page.items.map((run) => run.scope));
        out.print(page, () =>
          page.items.length === 0
            ? 'No runs yet. Start one from the console, or with `syncwarden runs start <engine>`.'
            : table(
                ['ID', 'ENGINE', 'MODE', 'SCOPE', 'STATE', 'TRIGGER', 'STARTED', 'DURATION', 'PROGRESS'],
                page.items.map((run) => [
                  String(run.id),
                  run.engine,
                  typeof run.params.mode === 'string' ? run.params.mode : '',
                  runScopeText(run.scope, (key) => emails.get(key)),
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
        const emails = await emailsOfScopes(app, [detail.run.scope]);
        out.print(detail, () => describeRunDetail(detail, (key) => emails.get(key)));
      });
    });

  runs
    .command('start <engine>')
    .description('Start a run and wait for it to finish')
    .option('--params <json>', 'engine parameters as a JSON object', parseJsonObject, {})
    .option('--no-wait', 'return as soon as the run is queued (or found already running)')
    .action(async (engine: string, opts: { params: Record<string, unknown>; wait: boolean }) => {
      await withCliApp(globals(), async (app, out) => {
        await startRun(app, globals(), { method: 'runs.start', input: { engine, params: opts.params } }, out, {
          wait: opts.wait,
          describe: (run) => `Run ${run.id} ${run.state}${run.error ? `: ${run.error.message}` : ''}`,
        });
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

/**
 * The email of each user the runs' scopes name (`user:<id>`, `repair:user:<id>`), read with one
 * users.lookup per page of keys, as `schedules list` does. Nothing when the product database cannot
 * say (unavailable, no users table): the scope then shows the key as written.
 */
async function emailsOfScopes(app: Parameters<typeof callApi>[0], scopes: readonly string[]): Promise<Map<string, string>> {
  const keys = new Set<string>();
  for (const scope of scopes) {
    const target = parseRunScope(scope);
    if (target.kind === 'user' && !target.key.includes('@')) keys.add(target.key);
  }
  const ids = [...keys];
  const emails = new Map<string, string>();
  for (let start = 0; start < ids.length; start += MAX_LOOKUP_KEYS) {
    const answer = await callApi(app, 'users.lookup', { keys: ids.slice(start, start + MAX_LOOKUP_KEYS) });
    if (!answer.ok) break;
    for (const { key, user } of (answer.result as UsersLookup).users) if (user.email) emails.set(key, user.email);
  }
  return emails;
}

