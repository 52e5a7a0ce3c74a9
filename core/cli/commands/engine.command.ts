import { Command, Option } from 'commander';
import type { AnyEngine } from '../../engines/engine';
import type { EngineCliOption } from '../../engines/engine-policies';
import { contractCaller, withCliApp, type CliApp, type GlobalOptions } from '../context';
import { describeRun } from '../describe';
import { EXIT } from '../exit-codes';
import { parseJsonObject, positiveInt } from '../parse';
import { resolveUser } from '../resolve-user';
import { startRun } from '../start-run';
import { CliError } from '../unwrap';

type Mode = 'check' | 'repair' | 'validate' | 'import';

interface EngineCommandOptions {
  /** The engines' own options (`--provider`), by commander's attribute name. */
  [option: string]: unknown;
  user?: string;
  params: Record<string, unknown>;
  finding?: number[];
  all?: boolean;
  yes?: boolean;
  wait: boolean;
}

/** An option some engines declare, with its help line naming the engines that take it. */
interface SharedOption {
  flags: string;
  help: string;
  /** Commander's name for its value in the parsed options (`--provider` → provider). */
  attribute: string;
}

/** Options every engine command has; an engine cannot redeclare them. */
const GENERIC_ATTRIBUTES = new Set(['user', 'params', 'wait', 'finding', 'all', 'yes']);

/**
 * `check`, `repair`, `validate` and `import` for every engine: one run through
 * the same contract as the console, waited for, with the result printed. What
 * is particular to an engine (the commands it answers, what `--user` becomes,
 * its own options, a repair that states its effect first) is its descriptor's
 * `cli` part: the options are built from the engines given here (the registry).
 */
export function engineCommands(globals: () => GlobalOptions, engines: readonly AnyEngine[]): Command[] {
  const shared = sharedOptions(engines);
  return [
    build('check', 'Read-only: find drift (findings are stored and listed in the console) or preview what an import would change', globals, engines, shared),
    build('repair', 'Apply findings: chosen ids, one user, or all (--all needs --yes)', globals, engines, shared).option(
      '--finding <id...>',
      'finding ids to repair',
      (value: string, previous: number[] = []) => [...previous, positiveInt(value)],
    ).option('--all', 'repair every open finding of the engine').option('--yes', 'confirm a repair of everything'),
    build('validate', 'Read-only integrity report of an engine', globals, engines, shared),
    // Engines that bring new data in (mail-import) answer `import <engine> [--user USER]`; their check writes nothing.
    build('import', 'Import new data: every enabled user, or --user USER', globals, engines, shared),
  ];
}

function build(mode: Mode, description: string, globals: () => GlobalOptions, engines: readonly AnyEngine[], shared: readonly SharedOption[]): Command {
  const answering = engines.filter((engine) => engine.cli?.commands.includes(mode)).map((engine) => engine.id);
  const command = new Command(mode)
    .description(description)
    .argument('<engine>', answering.length ? `engine id (${answering.join(', ')})` : 'engine id')
    .option('--user <user>', 'only this user: a user id or an email of the product database');
  for (const { flags, help } of shared) command.addOption(new Option(flags, help));
  return command
    .option('--params <json>', 'more engine parameters as a JSON object', parseJsonObject, {})
    .option('--no-wait', 'return as soon as the run is queued (or found already running)')
    .action(async (engineId: string, opts: EngineCommandOptions) => {
      if (mode === 'repair' && !opts.finding?.length && !opts.user && !opts.all) {
        process.stderr.write('syncwarden: choose what to repair: --finding ID…, --user USER, or --all --yes\n');
        process.exitCode = EXIT.usage;
        return;
      }
      await withCliApp(globals(), async (app, out) => {
        if (mode === 'repair' && opts.all && !opts.yes) {
          const open = (await app.store.findings.open(engineId)).length;
          process.stderr.write(`syncwarden: repair --all would apply ${open} open finding(s) of ${engineId}; add --yes to confirm.\n`);
          process.exitCode = EXIT.usage;
          return;
        }
        const engine = app.engines.get(engineId);
        // An unknown engine is the host's to refuse (not-found), as for `runs start`.
        let params = engine ? await engineParams(app, engine, mode, opts, shared) : { ...opts.params, mode };
        // A repair that must name its effect and destructive count first (DESIGN §4.4) needs --yes for it.
        const confirm = mode === 'repair' ? engine?.cli?.confirmRepair : undefined;
        if (confirm) {
          const preview = await confirm(contractCaller(app), params);
          if (preview.destructive > 0 && !opts.yes) {
            process.stderr.write(`syncwarden: this repair would ${preview.summary} (${preview.destructive} of ${preview.total} finding(s)); add --yes to confirm.\n`);
            process.exitCode = EXIT.usage;
            return;
          }
          if (preview.destructive > 0) params = { ...params, ...preview.confirmed };
        }
        const cli = engine?.cli;
        await startRun(app, globals(), { method: 'runs.start', input: { engine: engineId, params } }, out, {
          wait: opts.wait,
          describe: (run) => describeRun(run, (result) => cli?.describeResult?.(result) ?? null),
        });
      });
    });
}

/** The params of a run of this engine: the generic choices, `--user` in the engine's form, and its own options. */
async function engineParams(app: CliApp, engine: AnyEngine, mode: Mode, opts: EngineCommandOptions, shared: readonly SharedOption[]): Promise<Record<string, unknown>> {
  const cli = engine.cli;
  if (cli && !cli.commands.includes(mode)) throw usage(`${engine.id} has no ${mode} command (it answers: ${cli.commands.join(', ') || 'none'})`);
  let user: string | undefined;
  if (opts.user !== undefined) {
    if (!cli?.user) throw usage(`${engine.id} takes no --user`);
    user = await resolveUser(app, opts.user, cli.user);
  }
  const own: Record<string, unknown> = {};
  for (const { flags, attribute } of shared) {
    const value = opts[attribute];
    if (value === undefined) continue;
    const declared = cli?.options?.find((candidate) => candidate.flags === flags);
    if (!declared) throw usage(`${flags.split(' ')[0] ?? flags} is not an option of ${engine.id}`);
    try {
      Object.assign(own, await declared.params(value as string | boolean, { store: app.store }));
    } catch (error) {
      throw usage(error instanceof Error ? error.message : String(error));
    }
  }
  return {
    ...opts.params,
    mode,
    ...(user !== undefined ? { user } : {}),
    ...own,
    ...(opts.finding?.length ? { findingIds: opts.finding } : {}),
    ...(opts.all ? { all: true } : {}),
  };
}

/** Each engine option once, its help prefixed with the engines that take it ("storage-orphans: …"). */
function sharedOptions(engines: readonly AnyEngine[]): SharedOption[] {
  const byFlags = new Map<string, { declared: EngineCliOption; ids: string[] }>();
  for (const engine of engines) {
    for (const declared of engine.cli?.options ?? []) {
      const known = byFlags.get(declared.flags);
      if (known) known.ids.push(engine.id);
      else byFlags.set(declared.flags, { declared, ids: [engine.id] });
    }
  }
  return [...byFlags.entries()].map(([flags, { declared, ids }]) => {
    const attribute = new Option(flags).attributeName();
    if (GENERIC_ATTRIBUTES.has(attribute)) throw new Error(`engine option ${flags} (${ids.join(', ')}) redeclares an option every engine command has`);
    return { flags, help: `${ids.join(', ')}: ${declared.description}`, attribute };
  });
}

const usage = (message: string) => new CliError({ code: 'invalid-input', message }, EXIT.usage);
