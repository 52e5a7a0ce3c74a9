import { Command } from 'commander';
import type { IdentityPlan } from '../../api/identity';
import type { Syncwarden } from '../../app/app';
import { awaitRun } from '../await-run';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { describeRun } from '../describe';
import { EXIT } from '../exit-codes';
import type { Output } from '../output';
import { parseJsonObject, positiveInt } from '../parse';
import { unwrap } from '../unwrap';

type Mode = 'check' | 'repair' | 'validate' | 'import';

interface EngineCommandOptions {
  user?: string;
  provider?: string;
  params: Record<string, unknown>;
  finding?: number[];
  all?: boolean;
  yes?: boolean;
  wait: boolean;
}

/**
 * `check`, `repair` and `validate` for every engine: one run through the
 * same contract as the console, waited for, with the result printed.
 */
export function engineCommands(globals: () => GlobalOptions): Command[] {
  return [
    build('check', 'Find drift (read-only): findings are stored and listed in the console', globals),
    build('repair', 'Apply findings: chosen ids, one user, or all (--all needs --yes)', globals).option(
      '--finding <id...>',
      'finding ids to repair',
      (value: string, previous: number[] = []) => [...previous, positiveInt(value)],
    ).option('--all', 'repair every open finding of the engine').option('--yes', 'confirm a repair of everything'),
    build('validate', 'Read-only integrity report of an engine', globals),
    // Engines that only bring new data in (mail-import) have no check/repair: `import <engine> [--user ID]`.
    build('import', 'Import new data (e.g. mail-import): every enabled user, or --user ID', globals),
  ];
}

function build(mode: Mode, description: string, globals: () => GlobalOptions): Command {
  return new Command(mode)
    .description(description)
    .argument('<engine>', 'engine id, e.g. identity or media-import')
    .option('--user <user>', 'only this user (an email; a user id for mail-import and storage-orphans)')
    .option('--provider <provider>', 'storage-orphans: only this provider of --user (drive or dropbox)')
    .option('--params <json>', 'more engine parameters as a JSON object', parseJsonObject, {})
    .option('--no-wait', 'return as soon as the run is queued (or found already running)')
    .action(async (engine: string, opts: EngineCommandOptions) => {
      if (mode === 'repair' && !opts.finding?.length && !opts.user && !opts.all) {
        process.stderr.write('syncwarden: choose what to repair: --finding ID…, --user EMAIL, or --all --yes\n');
        process.exitCode = EXIT.usage;
        return;
      }
      await withCliApp(globals(), async (app, out) => {
        if (mode === 'repair' && opts.all && !opts.yes) {
          const open = app.store.findings.open(engine).length;
          process.stderr.write(`syncwarden: repair --all would apply ${open} open finding(s) of ${engine}; add --yes to confirm.\n`);
          process.exitCode = EXIT.usage;
          return;
        }
        // Destructive identity repairs (ban, delete, relink) name their effect and count, and need --yes (DESIGN §4.4).
        if (mode === 'repair' && engine === 'identity') {
          const plan = unwrap(await callApi(app, 'identity.plan', identitySelection(opts))) as IdentityPlan;
          if (plan.destructive > 0 && !opts.yes) {
            process.stderr.write(`syncwarden: this repair would ${plan.summary} (${plan.destructive} of ${plan.total} finding(s)); add --yes to confirm.\n`);
            process.exitCode = EXIT.usage;
            return;
          }
          if (plan.destructive > 0) opts.params = { ...opts.params, confirmDestructive: plan.destructive };
        }
        const params = {
          ...opts.params,
          mode,
          ...(opts.user ? { user: opts.user } : {}),
          // The CLI says drive, the product database (and the engine) say google.
          ...(opts.provider ? { provider: opts.provider === 'drive' ? 'google' : opts.provider } : {}),
          ...(opts.finding?.length ? { findingIds: opts.finding } : {}),
          ...(opts.all ? { all: true } : {}),
        };
        await runAndReport(app, engine, params, out, opts.wait);
      });
    });
}

function identitySelection(opts: EngineCommandOptions): Record<string, unknown> {
  const { remoteOnly, relink } = opts.params;
  return {
    ...(opts.finding?.length ? { findingIds: opts.finding } : opts.user ? { user: opts.user } : { all: true }),
    ...(remoteOnly === 'ban' || remoteOnly === 'leave' || remoteOnly === 'delete' ? { remoteOnly } : {}),
    ...(relink === true ? { relink: true } : {}),
  };
}

async function runAndReport(app: Syncwarden, engine: string, params: Record<string, unknown>, out: Output, wait: boolean): Promise<void> {
  const started = unwrap(await callApi(app, 'runs.start', { engine, params })) as { runId: number; alreadyRunning: boolean };
  await awaitRun(app, started, out, { wait, describe: describeRun });
}
