import type { SupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import type { EngineContext, EngineControls } from '../engine';
import { classifyUsers } from './identity-classify';
import type { LocalUsers } from './identity-local';
import { rowEmail, type IdentityRecord, type SourceOfTruth, type SyncRow } from './identity-model';
import { actionFor, type RemoteOnlyPolicy } from './identity-actions';
import { RepairBlocks } from './identity-blocks';
import { kindOf, proposedAction, reasonOf, rowDetails } from './identity-findings';
import { toIdentityRecord } from './identity-remote';
import { integrityReport, type IntegrityReport } from './identity-report';
import { writeSnapshot } from './identity-snapshot';
import { TimeSlicer } from '../../base/cooperative';

export interface CheckInput {
  mode: 'check' | 'validate';
  /** Only this user's findings (a check of one user does not replace the table or others' findings). */
  user?: string | undefined;
  sourceOfTruth: SourceOfTruth;
  remoteOnly: RemoteOnlyPolicy;
  local: LocalUsers;
  remote: SupabaseAuthConnector;
}

/** Reads both sides, classifies every user and records findings (check) or only reports (validate). */
export async function checkIdentities(input: CheckInput, context: EngineContext, { signal, progress }: EngineControls): Promise<Record<string, unknown>> {
  progress.phase('read-local', { message: 'Reading the users table' });
  const local: IdentityRecord[] = [];
  for await (const chunk of input.local.stream()) {
    signal.throwIfAborted();
    for (const record of chunk) local.push(record);
    progress.update({ done: local.length, message: `${local.length.toLocaleString('en')} rows read` });
  }

  progress.phase('read-remote', { message: 'Listing Supabase Auth users' });
  const remote: IdentityRecord[] = [];
  const softDeletedIds = new Set<string>();
  for await (const page of input.remote.listAllUsers(signal)) {
    // Soft-deleted users keep an obfuscated email: comparing it would invent drift (api-facts §7);
    // their ids stay taken, which is what makes re-creating a row with that id impossible.
    for (const user of page.users) {
      if (user.deleted) softDeletedIds.add(user.id.toLowerCase());
      else remote.push(toIdentityRecord(user));
    }
    progress.update({ done: remote.length + softDeletedIds.size, ...(page.total === null ? {} : { total: page.total }) });
  }
  const softDeleted = softDeletedIds.size;

  progress.phase('classify', { total: local.length + remote.length, message: 'Comparing' });
  const started = performance.now();
  const rows = await classifyUsers(local, remote, signal, softDeletedIds);
  const classifySeconds = (performance.now() - started) / 1000;
  const report = integrityReport(rows, input.sourceOfTruth, softDeleted);
  const summary = { users: rows.length, localUsers: local.length, remoteUsers: remote.length, classifySeconds: round(classifySeconds, 3) };
  if (input.mode === 'validate') return { ...summary, report };

  progress.phase('record', { total: rows.length - report.counts['in-sync'], message: 'Recording findings' });
  const wanted = input.user?.toLowerCase();
  const slicer = new TimeSlicer();
  const blocks = new RepairBlocks(context.resources.state);
  let userStatus: string | undefined;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as SyncRow;
    const email = rowEmail(row);
    if (wanted !== undefined && email !== wanted) continue;
    if (wanted !== undefined) userStatus = row.status;
    const subject = subjectOf(row);
    if (row.status === 'in-sync') {
      blocks.clear(subject);
    } else {
      const action = actionFor(row, input.sourceOfTruth, input.remoteOnly);
      const block = blocks.get(subject);
      context.findings.add({
        subject,
        userEmail: email,
        kind: kindOf(row, block),
        reason: reasonOf(row, block),
        proposedAction: proposedAction(row, action, block),
        details: { ...rowDetails(row, input.sourceOfTruth, action, block), row: index, snapshotRunId: context.runId },
      });
      progress.advance();
    }
    if ((index & 1023) === 0) await slicer.maybeYield(signal);
  }
  blocks.save();
  if (wanted !== undefined) return { ...summary, user: input.user, status: userStatus ?? 'unknown' };

  await writeSnapshot(context.resources.state, rows, { runId: context.runId, checkedAt: context.clock.now().toISOString(), sourceOfTruth: input.sourceOfTruth, remoteOnly: input.remoteOnly });
  context.resources.state.set('last-check', { runId: context.runId, users: rows.length });
  return { ...summary, ...flatten(report) };
}

/**
 * One subject per user: the email when either side has one, else an id. Rows
 * that share an email (case duplicates) are told apart by their row id, so
 * each keeps its own open finding (one open finding per subject, migration 9).
 */
export function subjectOf(row: SyncRow): string {
  const base = `user:${rowEmail(row) ?? row.local?.id ?? row.remote?.id}`;
  return row.problem === 'duplicate-email' && row.local ? `${base}#row:${row.local.id}` : base;
}

function flatten(report: IntegrityReport) {
  return {
    sourceOfTruth: report.sourceOfTruth,
    inSync: report.counts['in-sync'],
    localOnly: report.counts['local-only'],
    remoteOnly: report.counts['remote-only'],
    inconsistent: report.counts.inconsistent,
    matchedByEmail: report.matchedByEmail,
    softDeletedRemote: report.softDeletedRemote,
    percentInSync: report.percentInSync,
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
