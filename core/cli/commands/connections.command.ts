import { text } from 'node:stream/consumers';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CONNECTION_KINDS, requiredSecretsMissing, type Connection, type ConnectionCheckResult, type ConnectionDeleteResult } from '../../api/connections';
import type { CallResult } from '../../api/errors';
import { callApi, withCliApp, type CliApp, type GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { table } from '../output';
import { parseJsonObject } from '../parse';
import { CliError, unwrap } from '../unwrap';

interface AddOptions {
  kind: (typeof CONNECTION_KINDS)[number];
  name: string;
  config: Record<string, unknown>;
  secretEnv?: [string, string][];
  secretStdin?: string;
}

/**
 * `syncwarden connections list|add|test|rm`: the Connections page for servers.
 * Secret values never go on the command line (shell history, `ps`): `add`
 * reads them from a named environment variable (--secret-env field=VAR) or
 * from stdin (--secret-stdin field). With SYNCWARDEN_SECRETS=env none are
 * given: Syncwarden reads SYNCWARDEN_SECRET_NAME_<NAME>_<FIELD> itself.
 */
export function connectionsCommand(globals: () => GlobalOptions): Command {
  const connections = new Command('connections').description('List, add, test and remove connections (the product database and services)');
  const call = async (app: CliApp, method: Parameters<typeof callApi>[1], input: unknown) => clearErrors(await callApi(app, method, input));

  connections
    .command('list')
    .description('Every connection with which secrets are set (never their values) and its last test')
    .action(async () =>
      withCliApp(globals(), async (app, out) => {
        const list = (await call(app, 'connections.list', {})) as Connection[];
        out.print(list, () =>
          list.length === 0
            ? 'No connections yet. Add one with `syncwarden connections add --kind <kind> --name <name> --config <json>`.'
            : table(
                ['ID', 'KIND', 'NAME', 'SECRETS', 'LAST TEST'],
                list.map((c) => [String(c.id), c.kind, c.name, secretsText(c), c.lastCheck ? `${c.lastCheck.status} ${c.lastCheck.at}` : 'never']),
              ),
        );
      }),
    );

  connections
    .command('add')
    .description('Add a connection (its config as JSON; secrets from the environment or stdin, never as arguments)')
    .addOption(new Option('--kind <kind>', 'what it connects to').choices(CONNECTION_KINDS).makeOptionMandatory())
    .requiredOption('--name <name>', 'a unique name')
    .option('--config <json>', 'the settings as a JSON object, e.g. \'{"driver":"sqlite","path":"/srv/app.db"}\'', parseJsonObject, {})
    .option('--secret-env <field=VAR...>', 'take a secret from this environment variable', collectPair, [])
    .option('--secret-stdin <field>', 'read this secret from stdin (one value, trailing newline dropped)')
    .action(async (opts: AddOptions) =>
      withCliApp(globals(), async (app, out) => {
        const secrets: Record<string, string> = {};
        for (const [field, variable] of opts.secretEnv ?? []) {
          const value = process.env[variable];
          if (!value) throw usage(`--secret-env ${field}=${variable}: the variable ${variable} is not set.`);
          secrets[field] = value;
        }
        if (opts.secretStdin) {
          // Read as a stream, to its end: stdin may be non-blocking by now (the app's start puts it there), and a
          // synchronous read of a pipe whose writer is slow (`op read …`, `pass …`) then fails with EAGAIN.
          const value = (await text(process.stdin)).replace(/\r?\n$/, '');
          if (!value) throw usage(`--secret-stdin ${opts.secretStdin}: nothing was read from stdin.`);
          secrets[opts.secretStdin] = value;
        }
        const created = (await call(app, 'connections.create', { kind: opts.kind, name: opts.name, config: opts.config, secrets })) as Connection;
        out.print(created, () => `Added ${created.kind} connection ${created.id} "${created.name}" (${secretsText(created)}). Test it with \`syncwarden connections test ${created.id}\`.`);
      }),
    );

  connections
    .command('test')
    .argument('<connection>', 'id or name')
    .description(`Test a connection against its service; exit ${EXIT.checkFailed} when the test fails`)
    .action(async (ref: string) =>
      withCliApp(globals(), async (app, out) => {
        const id = await resolve(app, ref);
        const result = (await call(app, 'connections.test', { id })) as ConnectionCheckResult;
        out.print(result, () => `${result.ok ? 'ok' : result.status}: ${result.message}${result.problems?.length ? `\n  ${result.problems.join('\n  ')}` : ''}`);
        if (!result.ok) process.exitCode = EXIT.checkFailed;
      }),
    );

  connections
    .command('rm')
    .argument('<connection>', 'id or name')
    .option('--yes', 'confirm: the connection and its stored secrets are removed')
    .description('Remove a connection and its secrets (needs --yes)')
    .action(async (ref: string, opts: { yes?: boolean }) =>
      withCliApp(globals(), async (app, out) => {
        const id = await resolve(app, ref);
        if (!opts.yes) throw usage(`connections rm would remove connection ${id} and its stored secrets; add --yes to confirm.`);
        const result = (await call(app, 'connections.delete', { id })) as ConnectionDeleteResult;
        out.print(result, () => `Removed connection ${result.id}.`);
        // Removed, but not clean: each secret left in the secret store is named, and the exit code says so.
        for (const left of result.leftoverSecrets ?? []) {
          process.stderr.write(`syncwarden: connection ${result.id} is removed, but its ${left.field} is still in the secret store as ${left.entry} (${left.reason}); remove it by hand.\n`);
          process.exitCode = EXIT.error;
        }
      }),
    );

  return connections;
}

async function resolve(app: CliApp, ref: string): Promise<number> {
  if (/^\d+$/.test(ref)) return Number(ref);
  const found = await app.store.connections.findByName(ref);
  if (!found) throw new CliError({ code: 'not-found', message: `There is no connection named "${ref}".` }, EXIT.usage);
  return found.id;
}

/**
 * The secrets that are set, and the required ones that are missing. Optional
 * secrets left unset (a Google key when an OAuth client is used, the refresh
 * token before Connect) are not news, so they are not listed.
 */
function secretsText(connection: Connection): string {
  const set = Object.entries(connection.secrets).filter(([, s]) => s.hasSecret).map(([field]) => field);
  const missing = requiredSecretsMissing(connection.kind, set);
  const parts = [...set.map((field) => `${field} set`), ...missing.map((field) => `${field} not set`)];
  return parts.length === 0 ? 'no secrets' : parts.join(', ');
}

/** A refused input, a missing connection and a name clash are the caller's to fix: exit 2, like bad arguments. */
function clearErrors(result: CallResult<unknown>): unknown {
  if (!result.ok && result.error.code === 'conflict') throw new CliError(result.error, EXIT.usage);
  return unwrap(result);
}

function usage(message: string): CliError {
  return new CliError({ code: 'invalid-input', message }, EXIT.usage);
}

function collectPair(value: string, previous: [string, string][] = []): [string, string][] {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('expected field=VARIABLE, e.g. appSecret=DROPBOX_APP_SECRET');
  return [...previous, [value.slice(0, at), value.slice(at + 1)]];
}
