import { Command, Option } from 'commander';
import type { MethodName } from '../../api/names';
import type { Schedule, ScheduleScope, ScheduleSpecInput } from '../../api/schedules';
import { MAX_LOOKUP_KEYS, type UsersLookup } from '../../api/users';
import { startRun } from '../start-run';
import { addCronCommands } from './schedules-cron.command';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { table } from '../output';
import { parseJsonObject, positiveInt } from '../parse';
import { resolveUser } from '../resolve-user';
import { CliError, unwrap } from '../unwrap';

interface AddOptions {
  engine: string;
  every?: number;
  cron?: string;
  tz?: string;
  user?: string;
  provider?: 'drive' | 'dropbox';
  source?: number;
  autoRepair?: boolean;
  disabled?: boolean;
  params: Record<string, unknown>;
}

/** `syncwarden schedules list|add|rm|enable|disable|run`: the Schedules page for servers and scripts. */
export function schedulesCommand(globals: () => GlobalOptions): Command {
  const schedules = new Command('schedules').description('List, add, remove, switch and run schedules');
  const call = async (method: MethodName, input: unknown, render: (result: unknown) => string) =>
    withCliApp(globals(), async (app, out) => {
      const result = unwrap(await callApi(app, method, input));
      out.print(result, () => render(result));
    });

  schedules
    .command('list')
    .description('Every schedule with its trigger in words, next and last run (per-user ones come from the product database)')
    .addOption(new Option('--origin <origin>', 'only console schedules, or only per-user ones from the product database').choices(['console', 'app-db']))
    .option('--search <text>', 'only schedules whose engine or user id contains this')
    .option('--limit <n>', 'at most this many', positiveInt)
    .action(async (opts: { origin?: 'console' | 'app-db'; search?: string; limit?: number }) =>
      withCliApp(globals(), async (app, out) => {
        const list = unwrap(await callApi(app, 'schedules.list', { origin: opts.origin, search: opts.search, limit: opts.limit })) as { schedules: Schedule[]; total: number; pausedUntil: string | null; pausedIndefinitely: boolean };
        const people = await emailsOf(app, list.schedules.map((s) => s.scope));
        out.print(list, () => {
          const paused = list.pausedIndefinitely ? 'Schedules are paused until resumed.\n' : list.pausedUntil ? `Schedules are paused until ${list.pausedUntil}.\n` : '';
          return list.schedules.length === 0
              ? `${paused}No schedules yet. Add one with \`syncwarden schedules add --engine <id> --every <minutes>\`.`
              : paused +
                table(
                  ['ID', 'ENGINE', 'SCOPE', 'WHEN', 'TZ', 'ON', 'NEXT RUN', 'LAST RUN', 'FAILURES', 'ORIGIN'],
                  list.schedules.map((s) => [
                    String(s.id),
                    s.engine,
                    scopeText(s.scope, people),
                    s.triggerText,
                    s.timeZone,
                    s.enabled ? 'yes' : 'no',
                    s.nextRunAt ?? '',
                    s.lastRun ? `${s.lastRun.runId} ${s.lastRun.state}` : '',
                    String(s.failures),
                    s.origin,
                  ]),
                ) + `\n${list.schedules.length} of ${list.total} schedule(s)`;
        });
      }),
    );

  schedules
    .command('add')
    .description('Add a schedule: --every N minutes or --cron "m h dom mon dow"')
    .requiredOption('--engine <id>', 'engine id, e.g. storage-orphans')
    .option('--every <minutes>', 'run every N minutes', positiveInt)
    .option('--cron <expression>', 'a 5-field cron expression, e.g. "0 2 * * *"')
    .option('--tz <zone>', 'IANA time zone of the cron expression (default: this machine’s)')
    .option('--user <user>', 'only this user: a user id or an email of the product database (kept as the id)')
    .addOption(new Option('--provider <provider>', 'only this storage provider of the user').choices(['drive', 'dropbox']))
    .option('--source <id>', 'a sheet-import source id', positiveInt)
    .option('--auto-repair', 'let scheduled runs repair too (always inside the safety guard)')
    .option('--disabled', 'add it switched off')
    .option('--params <json>', 'more engine parameters as a JSON object', parseJsonObject, {})
    .action(async (opts: AddOptions) => {
      if ((opts.every === undefined) === (opts.cron === undefined)) throw usage('give exactly one of --every <minutes> or --cron <expression>');
      await withCliApp(globals(), async (app, out) => {
        // --user means what it means for the engine commands; a schedule's scope keeps the user's id.
        const user = opts.user === undefined ? undefined : await resolveUser(app, opts.user, { as: 'id' });
        const spec: ScheduleSpecInput = {
          engine: opts.engine,
          scope: scopeOf({ ...opts, user }),
          trigger: opts.cron !== undefined ? { kind: 'cron', expression: opts.cron } : { kind: 'interval', minutes: opts.every as number },
          ...(opts.tz ? { timeZone: opts.tz } : {}),
          enabled: !opts.disabled,
          autoRepair: opts.autoRepair ?? false,
          params: opts.params,
        };
        const s = unwrap(await callApi(app, 'schedules.create', spec)) as Schedule;
        const people = await emailsOf(app, [s.scope]);
        out.print(s, () => `Added schedule ${s.id}: ${s.engine} ${scopeText(s.scope, people)}, ${s.triggerText} (${s.timeZone})${s.enabled ? '' : ', disabled'}.`);
      });
    });

  schedules
    .command('rm')
    .argument('<id>', 'schedule id', positiveInt)
    .description('Remove a console schedule and its firing history')
    .action(async (id: number) =>
      call('schedules.delete', { id }, (result) => {
        const r = result as { id: number; deleted: boolean };
        return r.deleted ? `Removed schedule ${r.id}.` : `There was no schedule ${r.id}.`;
      }),
    );

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    schedules
      .command(name)
      .argument('<id>', 'schedule id', positiveInt)
      .description(`Switch a console schedule ${enabled ? 'on' : 'off'}`)
      .action(async (id: number) =>
        call('schedules.setEnabled', { id, enabled }, (result) => {
          const s = result as Schedule;
          return `Schedule ${s.id} is ${s.enabled ? 'on' : 'off'}.`;
        }),
      );
  }

  schedules
    .command('run')
    .argument('<id>', 'schedule id', positiveInt)
    .description('Fire a schedule now (the run is marked as scheduled) and wait for it')
    .option('--no-wait', 'return as soon as the run is queued')
    .action(async (id: number, opts: { wait: boolean }) => {
      await withCliApp(globals(), async (app, out) => {
        await startRun(app, globals(), { method: 'schedules.runNow', input: { id } }, out, {
          wait: opts.wait,
          describe: (run) => `Run ${run.id} ${run.state}${run.error ? `: ${run.error.message}` : ''}`,
          onStarted: (started) => {
            if (started.alreadyRunning) process.stderr.write("syncwarden: this schedule's run was already active (the firing is recorded as skipped).\n");
          },
        });
      });
    });

  addCronCommands(schedules, globals);
  return schedules;
}

function scopeOf(opts: AddOptions): ScheduleScope {
  if (opts.source !== undefined) return { kind: 'source', sourceId: opts.source };
  if (opts.provider) {
    if (!opts.user) throw usage('--provider needs --user');
    // The CLI says "drive"; the product database's provider value is "google".
    return { kind: 'provider', userId: opts.user, provider: opts.provider === 'drive' ? 'google' : 'dropbox' };
  }
  return opts.user ? { kind: 'user', userId: opts.user } : { kind: 'all' };
}

/**
 * The email of each user a schedule names (users.lookup, in pages of 200): the
 * list says who "user u-812" is. Nothing when the product database cannot say.
 */
async function emailsOf(app: Parameters<typeof callApi>[0], scopes: readonly ScheduleScope[]): Promise<Map<string, string>> {
  const ids = [...new Set(scopes.flatMap((scope) => (scope.kind === 'user' || scope.kind === 'provider' ? [scope.userId] : [])))];
  const emails = new Map<string, string>();
  for (let start = 0; start < ids.length; start += MAX_LOOKUP_KEYS) {
    const answer = await callApi(app, 'users.lookup', { keys: ids.slice(start, start + MAX_LOOKUP_KEYS) });
    if (!answer.ok) break;
    for (const { key, user } of (answer.result as UsersLookup).users) if (user.email) emails.set(key, user.email);
  }
  return emails;
}

function scopeText(scope: ScheduleScope, emails: ReadonlyMap<string, string> = new Map()): string {
  const who = (userId: string) => (emails.has(userId) ? `${userId} <${emails.get(userId)}>` : userId);
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'user':
      return `user ${who(scope.userId)}`;
    case 'provider':
      return `user ${who(scope.userId)} (${scope.provider === 'google' ? 'drive' : 'dropbox'})`;
    case 'source':
      return `source ${scope.sourceId}`;
  }
}

/** A usage mistake found after parsing: printed like any other error, exit code 2. */
function usage(message: string): CliError {
  return new CliError({ code: 'invalid-input', message }, EXIT.usage);
}
