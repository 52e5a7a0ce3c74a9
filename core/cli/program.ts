import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../app/version';
import type { AnyEngine } from '../engines/engine';
import { createEngineRegistry } from '../engines/registry';
import { connectionLostMessage, isUnreachable } from '../store/connection-loss';
import { StoreConnectError } from '../store/store-probe';
import { DataDirRefusedError } from '../store/data-dir';
import { StoreTooNewError } from '../store/database';
import { backgroundRunCommand } from './background-run';
import { appdbCommand } from './commands/appdb.command';
import { auditCommand } from './commands/audit.command';
import { connectionsCommand } from './commands/connections.command';
import { daemonCommand } from './commands/daemon.command';
import { engineCommands } from './commands/engine.command';
import { findingsCommand } from './commands/findings.command';
import { restoreCommand } from './commands/restore.command';
import { revertCommand } from './commands/revert.command';
import { runsCommand } from './commands/runs.command';
import { schedulesCommand } from './commands/schedules.command';
import { serveCommand } from './commands/serve.command';
import { workerCommand } from './commands/worker.command';
import { storeCommand } from './commands/store.command';
import type { GlobalOptions } from './context';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { CliError } from './unwrap';

/**
 * The engines whose `cli` parts shape the commands (options, help): every
 * engine this CLI can offer. Which of them a command may run is the opened
 * app's registry's to say (`--with-demo-engine` is only known after parsing).
 */
const offeredEngines = (): readonly AnyEngine[] => createEngineRegistry({ withDemoEngine: true }).list();

/**
 * The program over these engines. A host that embeds the CLI with its own
 * registry passes `embedded`: the commands then run on exactly those engines.
 */
export function buildProgram(engines: readonly AnyEngine[] = offeredEngines(), embedded = false): Command {
  const program = new Command('syncwarden')
    .description('Keeps a SaaS product database in step with the outside systems it mirrors.')
    .version(APP_VERSION)
    .option('--data-dir <dir>', 'where the console store and logs live (default: $SYNCWARDEN_HOME, else the OS app-data folder)')
    .option('--store <location>', 'the console store: a data dir, or postgres://user@host/db for team mode (password from PGPASSWORD or the keychain; default: $SYNCWARDEN_STORE, else the Settings choice, else the data dir)')
    .option('--json', 'machine-readable output: one JSON document per line')
    .option('--with-demo-engine', 'also offer the demonstration engine (tests and benchmarks)')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const globals = (): GlobalOptions => (embedded ? { ...program.opts<GlobalOptions>(), engines } : program.opts<GlobalOptions>());
  program.addCommand(runsCommand(globals));
  program.addCommand(findingsCommand(globals));
  program.addCommand(auditCommand(globals));
  program.addCommand(restoreCommand(globals));
  program.addCommand(revertCommand(globals, engines));
  program.addCommand(serveCommand(globals));
  program.addCommand(appdbCommand(globals));
  program.addCommand(schedulesCommand(globals));
  program.addCommand(connectionsCommand(globals));
  program.addCommand(daemonCommand(globals));
  program.addCommand(workerCommand(globals));
  program.addCommand(storeCommand(globals));
  for (const command of engineCommands(globals, engines)) program.addCommand(command);
  // What --no-wait hands a run to (background-run.ts); an embedded CLI's engines cannot cross to another process.
  if (!embedded) program.addCommand(backgroundRunCommand(globals), { hidden: true });
  overrideExitEverywhere(program);
  return program;
}

/** Commander exits the process on usage errors unless told otherwise, per command: we map them to exit code 2. */
function overrideExitEverywhere(command: Command): void {
  command.exitOverride();
  command.commands.forEach(overrideExitEverywhere);
}

/** Runs the CLI and returns the exit code; never calls process.exit itself (tests call it too). */
export async function runCli(argv: readonly string[], options: { engines?: readonly AnyEngine[] } = {}): Promise<number> {
  const program = options.engines ? buildProgram(options.engines, true) : buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return reportError(error, program.opts<GlobalOptions>().json ?? false);
  }
}

function reportError(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    // Commander already printed help or the usage message.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const [code, body] =
    error instanceof CliError
      ? [error.exitCode, error.body]
      : error instanceof StoreTooNewError
        ? [EXIT.store, { code: 'store-too-new', message: error.message }]
        : error instanceof DataDirRefusedError
          ? [EXIT.usage, { code: error.code, message: error.message }]
          : isUnreachable(error) || (error instanceof StoreConnectError && isUnreachable(error.cause))
            ? [EXIT.error, { code: 'unavailable', message: connectionLostMessage('The command', error) }]
            : error instanceof StoreConnectError
              ? [EXIT.store, { code: error.code, message: error.message }]
              : [EXIT.error, { code: 'internal', message: error instanceof Error ? error.message : String(error) }];
  process.stderr.write(json ? `${JSON.stringify({ error: body })}\n` : `syncwarden: ${body.message}\n`);
  return code;
}
