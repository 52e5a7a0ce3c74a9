import { ApiError } from '../api/errors';
import { engineInfo } from '../engines/engine';
import type { HandlerTable } from '../engines/engine-policies';
import { BUILTIN_ENGINES } from '../engines/registry';
import { assembleHandlerTable } from './handler-table';
import { createCronMigrationHandlers } from './cron-migration.handlers';
import { createScheduleHandlers } from './schedules.handlers';
import { createStoreHandlers } from './store.handlers';
import { createTeamHandlers } from './team.handlers';
import { createUserHandlers, userAliases } from './users.handlers';
import type { AppServices } from './services';
import { updatesUnsupported } from './updates';


/**
 * The one handler table, shared by the IPC host, the WebSocket host and the
 * CLI: the console's own methods plus every registered engine's (its
 * descriptor's `handlers(host)`).
 */
export function createHandlers(app: AppServices): HandlerTable {
  return assembleHandlerTable({ own: ownHandlers(app), engines: app.engines.list(), host: app, known: BUILTIN_ENGINES });
}

/** The methods the console answers itself, whatever engines it runs. */
export function ownHandlers(app: AppServices): Partial<HandlerTable> {
  const store = createStoreHandlers({
    dataDir: app.dataDir,
    opened: app.storeChoice ?? { location: { dialect: 'sqlite', dataDir: app.dataDir }, source: 'default' },
    schemaVersion: () => app.store.schemaVersion(),
    secrets: app.machineSecrets,
  });
  return { ...consoleHandlers(app), ...createScheduleHandlers(app), ...createUserHandlers(app), ...store, ...createTeamHandlers(app), ...createCronMigrationHandlers(app) };
}

/** Runs, findings, audit, settings and connections: the console's own, whatever engines it runs. */
function consoleHandlers(app: AppServices): Partial<HandlerTable> {
  const { store, runs } = app;
  return {
    'app.info': async () => ({
      name: 'Syncwarden',
      version: app.version,
      host: app.host,
      dataDir: app.dataDir,
      schemaVersion: await store.schemaVersion(),
      engines: app.engines.list().map(engineInfo),
      secretStore: app.connections.secretStoreKind,
    }),
    'runs.list': (input) => store.runs.list(input),
    'runs.get': async ({ id }) => {
      const run = await store.runs.get(id);
      if (!run) throw new ApiError('not-found', `There is no run ${id}.`, { id });
      return { run, events: await store.runEvents.list(id) };
    },
    'runs.log': async ({ id, limit, offset }) => {
      if (!await store.runs.get(id)) throw new ApiError('not-found', `There is no run ${id}.`, { id });
      return await store.runItems.page(id, limit, offset);
    },
    'runs.start': ({ engine, params }, { actor }) => runs.start(engine, params, actor),
    'runs.cancel': ({ id }) => runs.cancel(id),
    'findings.list': (input) => store.findings.list(input),
    'audit.list': async (input) => store.audit.list({ ...input, userAliases: await userAliases(app, input.user) }),
    'settings.get': () => store.settings.get(),
    'settings.update': async (patch) => {
      const settings = await store.settings.update(patch, app.clock.now().toISOString());
      app.events.emit('settings.changed', settings);
      return settings;
    },
    'connections.list': () => app.connections.list(),
    'connections.create': (input) => app.connections.create(input),
    'connections.update': (input) => app.connections.update(input),
    'connections.delete': ({ id }) => app.connections.delete(id),
    'connections.test': ({ id }) => app.connections.test(id),
    'app.updates.check': () => (app.updates ? app.updates.check() : updatesUnsupported(app.host, app.version)),
    'connections.connect': ({ id }) => app.oauth.start(id),
    'connections.connect.status': ({ flowId }) => app.oauth.status(flowId),
    'connections.connect.cancel': ({ flowId }) => app.oauth.cancel(flowId),
    'connections.disconnect': ({ id }) => app.oauth.disconnect(id),
  };
}
