import type { SupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import type { EngineContext, EngineControls } from '../engine';
import { classifyUsers } from './identity-classify';
import type { LocalUsers } from './identity-local';
import { rowEmail, type IdentityRecord, type SourceOfTruth, type SyncRow } from './identity-model';
import { proposedAction, reasonOf, rowDetails } from './identity-findings';
import { toIdentityRecord } from './identity-remote';
import { integrityReport, type IntegrityReport } from './identity-report';
import { writeSnapshot } from './identity-snapshot';
import { TimeSlicer } from '../../runs/cooperative';

export interface CheckInput {
  mode: 'check' | 'validate';
  /** Only this user's findings (a check of one user does not replace the table or others' findings). */
  user?: string | undefined;
  sourceOfTruth: SourceOfTruth;
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
  let softDeleted = 0;
  for await (const page of input.remote.listAllUsers(signal)) {
    // Soft-deleted users keep an obfuscated email: comparing it would invent drift (api-facts §7).
    for (const user of page.users) {
      if (user.deleted) softDeleted++;
      else remote.push(toIdentityRecord(user));
    }
    progress.update({ done: remote.length + softDeleted, ...(page.total === null ? {} : { total: page.total }) });
  }

  progress.phase('classify', { total: local.length + remote.length, message: 'Comparing' });
  const started = performance.now();
  const rows = await classifyUsers(local, remote, signal);
  const classifySeconds = (performance.now() - started) / 1000;
  const report = integrityReport(rows, input.sourceOfTruth, softDeleted);
  const summary = { users: rows.length, localUsers: local.length, remoteUsers: remote.length, classifySeconds: round(classifySeconds, 3) };
  if (input.mode === 'validate') return { ...summary, report };

  progress.phase('record', { total: rows.length - report.counts['in-sync'], message: 'Recording findings' });
  const wanted = input.user?.toLowerCase();
  const slicer = new TimeSlicer();
  let userStatus: string | undefined;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as SyncRow;
    const email = rowEmail(row);
    if (wanted !== undefined && email !== wanted) continue;
    if (wanted !== undefined) userStatus = row.status;
    if (row.status !== 'in-sync') {
      context.findings.add({
        subject: `user:${email ?? row.local?.id ?? row.remote?.id}`,
        userEmail: email,
        kind: row.status,
        reason: reasonOf(row),
        proposedAction: proposedAction(row, input.sourceOfTruth),
        details: { ...rowDetails(row, input.sourceOfTruth), row: index, snapshotRunId: context.runId },
      });
      progress.advance();
    }
    if ((index & 1023) === 0) await slicer.maybeYield(signal);
  }
  if (wanted !== undefined) return { ...summary, user: input.user, status: userStatus ?? 'unknown' };

  await writeSnapshot(context.resources.state, rows, { runId: context.runId, checkedAt: context.clock.now().toISOString(), sourceOfTruth: input.sourceOfTruth });
  context.resources.state.set('last-check', { runId: context.runId, users: rows.length });
  return { ...summary, ...flatten(report) };
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
