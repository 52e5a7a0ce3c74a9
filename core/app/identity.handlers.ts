import { IDENTITY_ENGINE_ID } from '../engines/identity/identity.engine';
import { SyncTableReader } from '../engines/identity/identity-sync-table';
import { planIdentityRepair } from './identity-plan.handler';
import type { HandlerTable } from './handlers';
import type { AppServices } from './services';

type IdentityMethods = 'identity.users' | 'identity.summary' | 'identity.plan' | 'identity.revertRun';

/**
 * The Users page's methods: read-only views of the users sync table the
 * identity engine keeps in its state. Repairs and checks are runs
 * (`runs.start` with engine `identity`), like every other engine's.
 */
export function createIdentityHandlers(app: AppServices): Pick<HandlerTable, IdentityMethods> {
  const table = new SyncTableReader(app.store.engineState);
  return {
    'identity.users': (query) => table.page(query),
    'identity.summary': () => table.summary(),
    'identity.plan': (selection) => planIdentityRepair(app.store, selection),
    'identity.revertRun': ({ runId }, { actor }) => app.runs.start(IDENTITY_ENGINE_ID, { mode: 'revert', revertRunId: runId, confirmDestructive: true }, actor),
  };
}
