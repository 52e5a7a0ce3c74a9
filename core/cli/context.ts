import type { CallResult } from '../api/errors';
import type { MethodOutput } from '../api/contract';
import type { MethodName } from '../api/names';
import { createSyncwarden, type Syncwarden } from '../app/app';
import { dispatch } from '../app/dispatch';
import { EngineRegistry, type AnyEngine } from '../engines/engine';
import { createFileLogger } from '../logging/logger';
import { startTeamMode } from '../queue/team-mode';
import type { ContractCaller } from '../engines/engine-policies';
import { resolveDataDir } from '../store/data-dir';
import { createOutput, type Output } from './output';
import { unwrap } from './unwrap';

export interface GlobalOptions {
  dataDir?: string;
  /** --store: a data dir or a postgres:// URL (store-location.ts). */
  store?: string;
  json?: boolean;
  withDemoEngine?: boolean;
  /**
   * The engines, when a host embeds the CLI with its own registry (runCli's
   * `engines`); not a flag. Default: the shipped registry (+ demo when asked).
   */
  engines?: readonly AnyEngine[];
  /**
   * Team mode on a PostgreSQL store (default on): runs started here are queued for workers. Off only for
   * `syncwarden worker`, which executes the jobs itself with its own queue connection.
   */
  teamMode?: boolean;
}

/** Opens the app for one CLI command: the same store, engines and logs as the desktop app. */
export async function openCliApp(options: GlobalOptions, host: 'cli' | 'browser' = 'cli'): Promise<Syncwarden & { dispose(): Promise<void> }> {
  const dataDir = resolveDataDir({ flag: options.dataDir });
  const log = await createFileLogger({ dataDir });
  const engines = options.engines ? { engines: new EngineRegistry(options.engines) } : {};
  // A store that cannot be opened ends the command: its log is flushed and closed, not left opening behind it.
  const app = await createSyncwarden({
    dataDir,
    host,
    log,
    withDemoEngine: options.withDemoEngine ?? false,
    ...engines,
    ...(options.store ? { store: options.store } : {}),
    // A PostgreSQL store turns team mode on: one queue connection for this process, closed with the app.
    ...(options.teamMode === false ? {} : { teamMode: ({ url, password, store, log: appLog }) => startTeamMode({ url, ...(password === undefined ? {} : { password }), db: store.db, log: appLog }) }),
  }).catch(async (error: unknown) => {
    await log.close();
    throw error;
  });
  return Object.assign(app, {
    async dispose() {
      await app.close();
      await log.close();
    },
  });
}

export type CliApp = Awaited<ReturnType<typeof openCliApp>>;

/** Opens the app for one command, hands it the output chosen by --json, and always closes it. */
export async function withCliApp(globals: GlobalOptions, body: (app: CliApp, out: Output) => Promise<void>): Promise<void> {
  const app = await openCliApp(globals);
  try {
    await body(app, createOutput(globals.json ?? false));
  } finally {
    await app.dispose();
  }
}

/**
 * One contract call from the CLI, through the same dispatch as the other hosts, with the app's file log:
 * a handler's unexpected failure is logged there, so "see the log" points at a log that has it.
 */
export function callApi(app: Pick<Syncwarden, 'handlers' | 'log'>, method: MethodName, input: unknown): Promise<CallResult<unknown>> {
  return dispatch(app.handlers, method, input, { actor: 'cli' }, app.log);
}

/** Contract calls as an engine's cli part makes them (a repair preview): a refused call throws a CliError. */
export function contractCaller(app: Pick<Syncwarden, 'handlers' | 'log'>): ContractCaller {
  return async <M extends MethodName>(method: M, input: Record<string, unknown>) => unwrap(await callApi(app, method, input)) as MethodOutput<M>;
}
