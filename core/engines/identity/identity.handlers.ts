import type { EngineHost } from '../engine';
import type { HandlerTable } from '../engine-policies';
import { planIdentityRepair } from './identity-plan.handler';
import { SyncTableReader } from './identity-sync-table';
import { createIdentityUserHandlers } from './identity-user.handlers';
import { IDENTITY_ENGINE_ID } from './identity.engine';

type IdentityMethods = 'identity.users' | 'identity.summary' | 'identity.plan' | 'identity.revertRun';

/**
 * The Users page's methods: read-only views of the users sync table the
 * identity engine keeps in its state. Repairs and checks are runs
 * (`runs.start` with engine `identity`), like every other engine's.
 */
export function createIdentityHandlers(host: EngineHost): Pick<HandlerTable, IdentityMethods> {
  const table = new SyncTableReader(host.store.engineState);
  return {
    'identity.users': (query) => table.page(query),
    'identity.summary': () => table.summary(),
    'identity.plan': (selection) => planIdentityRepair(host.store, selection),
    'identity.revertRun': ({ runId }, { actor }) => host.runs.start(IDENTITY_ENGINE_ID, { mode: 'revert', revertRunId: runId, confirmDestructive: true }, actor),
  };
}

/** Every contract method of the identity engine: the Users page's table, plan, revert and detail panel. */
export function identityHandlers(host: EngineHost): Pick<HandlerTable, IdentityMethods | 'identity.user'> {
  return { ...createIdentityHandlers(host), ...createIdentityUserHandlers(host) };
}
