import type { Engine, EngineContext } from '../engine';
import { checkIdentities } from './identity-check';
import { LocalUsers } from './identity-local';
import { UserReferences } from './identity-references';
import type { SourceOfTruth } from './identity-model';
import { IdentityParams } from './identity-params';
import { openRemote } from './identity-remote';
import { repairIdentities } from './identity-repair';
import { revertIdentityRepair, revertIdentityRun } from './identity-revert';
import type { RemoteOnlyPolicy } from './identity-actions';

export const IDENTITY_ENGINE_ID = 'identity';

/**
 * Supabase Auth vs the product's users table: check (findings per drifted
 * user and the users sync table), repair towards the source of truth, and
 * validate (the integrity report, read-only).
 */
export const identityEngine: Engine<IdentityParams> = {
  id: IDENTITY_ENGINE_ID,
  title: 'Identity',
  description: 'Compares Supabase Auth users with the users table and repairs the side that is not the source of truth.',
  phases: [
    { id: 'read', label: 'Reading the users table and listing Supabase Auth users', weight: 75 },
    { id: 'look-up', label: 'Looking up users the listing may have skipped', weight: 5 },
    { id: 'classify', label: 'Comparing', weight: 5 },
    { id: 'record', label: 'Recording findings', weight: 20 },
    { id: 'repair', label: 'Repairing', weight: 100 },
  ],
  params: IdentityParams,
  // One identity run at a time: a repair and a check of the same two sides must never interleave.
  scopeOf: () => 'all',
  // Only a full check replaces the open findings; a one-user check adds that user's.
  supersedesFindings: (params) => params.mode === 'check' && params.user === undefined,

  async run(params, context, controls) {
    // A revert can delete what a repair created. A schedule's params may carry its confirmation, but nobody is there
    // when it fires: the mode is byHand (run-manager refuses such a start); this is the engine's own check, made
    // before anything is opened, should a run arrive another way.
    if (params.mode === 'revert' && context.trigger === 'schedule') throw new Error('A revert runs only when a person starts it: a schedule cannot undo repairs (it could delete users a repair created).');
    const { db, mapping } = await context.resources.appDb();
    const { connector, creator, connectionId } = await openRemote(context, { retryInitialDelayMs: params.retryInitialDelayMs });
    const sourceOfTruth = await chooseSourceOfTruth(context, connectionId, params.sourceOfTruth);
    const remoteOnly = await chooseRemoteOnly(context, connectionId, params.remoteOnly);
    const local = new LocalUsers(db, mapping.users);
    const sides = { db, local, references: new UserReferences(db, mapping), remote: connector, creator, signal: controls.signal };
    if (params.mode === 'revert') {
      // A revert can delete what a repair created (a Supabase user, a users row): confirmed like a repair, whoever calls.
      if (params.confirmDestructive !== true) throw new Error('A revert changes both sides and can delete a user a repair created: confirm it first (confirmDestructive: true, or --yes in the CLI).');
      if (params.revertRunId !== undefined) return revertIdentityRun(params.revertRunId, context, sides, controls);
      if (params.auditId === undefined) throw new Error('A revert needs the audit entry to undo (auditId) or the run (revertRunId).');
      return revertIdentityRepair(params.auditId, context, sides);
    }
    if (params.mode === 'repair') {
      // Findings ids win over a user when both are given (findingsForRepair): the user would be silently ignored, and
      // a confirmation the caller meant for that one user read against other findings. Contradictory: refused.
      if (params.user !== undefined && params.findingIds !== undefined) throw new Error('Choose the findings to repair by their ids or by one user, not both: with both, the user would be ignored.');
      const findings = await context.resources.findingsForRepair(params);
      const explicit = params.findingIds !== undefined || params.user !== undefined;
      return repairIdentities(
        { findings, sourceOfTruth, remoteOnly, confirmDeletes: params.confirmDeletes, confirmDestructive: params.confirmDestructive, relink: params.relink, explicit, sides },
        context,
        controls,
      );
    }
    return checkIdentities({ mode: params.mode, user: params.user, sourceOfTruth, remoteOnly, local, remote: connector }, context, controls);
  },
};

/** The source of truth is remembered per Supabase connection; a run that names one changes it. */
async function chooseSourceOfTruth(context: EngineContext, connectionId: number, given: SourceOfTruth | undefined): Promise<SourceOfTruth> {
  const key = `source-of-truth:${connectionId}`;
  if (given !== undefined) {
    await context.resources.state.set(key, given);
    return given;
  }
  return await context.resources.state.get<SourceOfTruth>(key) ?? 'appdb';
}

/**
 * What happens to a Supabase-only user, remembered per connection: "ban"
 * (reversible) unless the admin chose "leave". "delete" is never remembered
 * and never applies to a scheduled run: it cannot be undone.
 */
async function chooseRemoteOnly(context: EngineContext, connectionId: number, given: RemoteOnlyPolicy | undefined): Promise<RemoteOnlyPolicy> {
  const key = `remote-only:${connectionId}`;
  if (given === 'ban' || given === 'leave') await context.resources.state.set(key, given);
  if (given === 'delete') return context.trigger === 'schedule' ? 'leave' : 'delete';
  return given ?? await context.resources.state.get<RemoteOnlyPolicy>(key) ?? 'ban';
}
