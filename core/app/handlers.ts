import { ApiError } from '../api/errors';
import type { MethodOutput, ParsedInput } from '../api/contract';
import type { RunTrigger } from '../api/models';
import type { MethodName } from '../api/names';
import { engineInfo } from '../engines/engine';
import type { AppServices } from './services';
import { createSheetHandlers } from './sheets.handlers';
import { createMediaHandlers } from './media.handlers';
import { createIdentityHandlers } from './identity.handlers';
import { createIdentityUserHandlers } from './identity-user.handlers';
import { createScheduleHandlers } from './schedules.handlers';
import { createStorageHandlers } from './storage.handlers';

/** Who is calling: set by the host, never taken from the caller's input. */
export interface CallContext {
  actor: RunTrigger;
}

type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  context: CallContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

export type HandlerTable = { [M in MethodName]: Handler<M> };

/** The one handler table, shared by the IPC host, the WebSocket host and the CLI. */
export function createHandlers(app: AppServices): HandlerTable {
  const { store, runs } = app;
  return {
    'app.info': () => ({
      name: 'Syncwarden',
      version: app.version,
      host: app.host,
      dataDir: app.dataDir,
      schemaVersion: store.schemaVersion(),
      engines: app.engines.list().map(engineInfo),
      secretStore: app.connections.secretStoreKind,
    }),
    'runs.list': (input) => store.runs.list(input),
    'runs.get': ({ id }) => {
      const run = store.runs.get(id);
      if (!run) throw new ApiError('not-found', `There is no run ${id}.`, { id });
      return { run, events: store.runEvents.list(id) };
    },
    'runs.start': ({ engine, params }, { actor }) => runs.start(engine, params, actor),
    'runs.cancel': ({ id }) => runs.cancel(id),
    'findings.list': (input) => store.findings.list(input),
    'audit.list': (input) => store.audit.list(input),
    'settings.get': () => store.settings.get(),
    'settings.update': (patch) => {
      const settings = store.settings.update(patch, app.clock.now().toISOString());
      app.events.emit('settings.changed', settings);
      return settings;
    },
    'connections.list': () => app.connections.list(),
    'connections.create': (input) => app.connections.create(input),
    'connections.update': (input) => app.connections.update(input),
    'connections.delete': ({ id }) => app.connections.delete(id),
    'connections.test': ({ id }) => app.connections.test(id),
    ...createSheetHandlers(app),
    ...createMediaHandlers(app),
    ...createIdentityHandlers(app),
    ...createIdentityUserHandlers(app),
    ...createScheduleHandlers(app),
    ...createStorageHandlers(app),
  };
}
