import type { SupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import type { EngineContext, EngineControls } from '../engine';
import type { NewFinding } from '../../store/findings.repo';
import { classifySpilled, MERGE_WINDOW } from './identity-merge';
import { IdentitySpill } from './identity-spill';
import type { LocalUsers } from './identity-local';
import { rowEmail, type IdentityRecord, type SourceOfTruth, type SyncRow } from './identity-model';
import { actionFor, type RemoteOnlyPolicy } from './identity-actions';
import { RepairBlocks } from './identity-blocks';
import { kindOf, proposedAction, reasonOf, rowDetails } from './identity-findings';
import { toIdentityRecord } from './identity-remote';
import { ReportTally, type IntegrityReport } from './identity-report';
import { SnapshotWriter } from './identity-snapshot';
import { TimeSlicer, yieldToEventLoop } from '../../base/cooperative';
import { fillListingGaps, ListingShift, rereadUnmatchedRows } from './identity-gaps';
import { formatCount } from '../../base/format-count';
import { together } from '../../base/together';

export interface CheckInput {
  mode: 'check' | 'validate';
  /** Only this user's findings (a check of one user does not replace the table or others' findings). */
  user?: string | undefined;
  sourceOfTruth: SourceOfTruth;
  remoteOnly: RemoteOnlyPolicy;
  local: LocalUsers;
  remote: SupabaseAuthConnector;
}

/**
 * Reads both sides into a scratch file, classifies every user a window at a
 * time and records findings (check) or only reports (validate). Memory is
 * bounded by a page and a window, not by the number of users (issue 19).
 */
export async function checkIdentities(input: CheckInput, context: EngineContext, controls: EngineControls): Promise<Record<string, unknown>> {
  const spill = new IdentitySpill();
  try {
    await readSides(input, spill, controls);
    return await classifyAndRecord(input, spill, context, controls);
  } finally {
    await spill.close();
  }
}

/**
 * Reads the users table and lists Supabase at the same time: the listing waits on the service most of the
 * time, and the table (read in storage order, streamStored) fills those waits instead of running before it
 * (5 s of a million-user check, issue 19). Either side's failure stops the other before the check fails.
 */
async function readSides(input: CheckInput, spill: IdentitySpill, { signal, progress }: EngineControls): Promise<void> {
  // The run's setup (its parameters, the clients, the scratch file) ends its own turn of the event loop: with
  // the first chunk of rows in cold code it made one turn of 120-350 ms at a million rows (issue 19).
  await yieldToEventLoop();
  progress.phase('read', { message: 'Reading the users table and listing Supabase Auth users' });
  const shift = new ListingShift();
  let listingTotal: number | null = null;
  // The bar follows the listing (the long side, with a total); the message says where both are.
  const report = () => {
    const listed = spill.remoteSpan + spill.deletedUsers;
    const of = listingTotal === null ? '' : ` of ${formatCount(listingTotal)}`;
    progress.update({
      done: listed,
      ...(listingTotal === null ? {} : { total: listingTotal }),
      message: `${formatCount(spill.localRows)} rows read; ${formatCount(listed)}${of} Supabase users listed`,
    });
  };
  await together(signal, [
    async (inner: AbortSignal) => {
      for await (const chunk of input.local.stream()) {
        spill.addLocal(chunk);
        report();
        // The embedded SQLite adapter answers synchronously: without this the whole table was read in one
        // turn of the event loop (2.3 s at a million rows, issue 19); it also lets the listing's pages in.
        await yieldToEventLoop();
        inner.throwIfAborted();
      }
      // Read in full, long before the listing ends: its indexes are built meanwhile, off this thread.
      spill.endLocal();
    },
    async (inner: AbortSignal) => {
      // The listing asks for the next pages itself (PagesInFlight) while this one is written to the scratch file.
      for await (const page of input.remote.listAllUsers(inner)) {
        // The page was parsed in this turn (its answer's microtasks): it is written in the next one.
        await yieldToEventLoop();
        // Soft-deleted users keep an obfuscated email: comparing it would invent drift (api-facts §7);
        // their ids stay taken, which is what makes re-creating a row with that id impossible.
        shift.observe(page.total);
        listingTotal = page.total ?? listingTotal;
        const live: IdentityRecord[] = [];
        const deleted: string[] = [];
        for (const user of page.users) {
          if (user.deleted) deleted.push(user.id);
          else live.push(toIdentityRecord(user));
        }
        spill.addRemote(live);
        spill.addDeleted(deleted);
        report();
      }
    },
  ]);
  // The counts stay on the bar while the indexes are built (seconds at a million users).
  progress.update({ message: 'Indexing both sides for the comparison' });
  await spill.finishReading(signal);
  if (shift.mayHaveSkipped(spill.remoteUsers + spill.deletedUsers)) {
    progress.phase('look-up', { message: 'Users changed while listed: looking up rows the listing may have skipped' });
    await fillListingGaps(input.remote, spill, signal);
  }
}

async function classifyAndRecord(input: CheckInput, spill: IdentitySpill, context: EngineContext, { signal, progress }: EngineControls): Promise<Record<string, unknown>> {
  const record = input.mode === 'check';
  const wanted = input.user?.toLowerCase();
  progress.phase('classify', { total: spill.localRows + spill.remoteUsers, message: record ? 'Comparing and recording findings' : 'Comparing' });
  const clock = { ms: 0 };
  const tally = new ReportTally();
  const snapshot = record && wanted === undefined ? await SnapshotWriter.begin(context.resources.state) : null;
  try {
    const blocks = await RepairBlocks.load(context.resources.state);
    const slicer = new TimeSlicer();
    let userStatus: string | undefined;
    const reread = (idPaired: (remoteSeq: number) => boolean) => rereadUnmatchedRows(input.local, spill, idPaired, signal);
    // A full check's findings address its table by row: they are held until it is published (holdFindings).
    const emit = async (found: NewFinding[]): Promise<void> => {
      if (snapshot) spill.holdFindings(found);
      else for (const finding of found) await context.findings.add(finding);
    };
    for await (const rows of classifySpilled(spill, signal, MERGE_WINDOW, clock, reread)) {
      const found: NewFinding[] = [];
      for (const row of rows) {
        const index = tally.total;
        tally.add(row);
        snapshot?.add(row);
        if (record) userStatus = recordRow(row, index, wanted, input, context, blocks, found) ?? userStatus;
      }
      await emit(found);
      await snapshot?.drain();
      progress.update({ done: tally.total });
      await slicer.maybeYield(signal);
    }
    const classifySeconds = clock.ms / 1000;
    const report = tally.report(input.sourceOfTruth, spill.deletedUsers);
    const summary = { users: tally.total, localUsers: spill.localRows, remoteUsers: spill.remoteUsers, classifySeconds: round(classifySeconds, 3) };
    if (!record) return { ...summary, report };

    await blocks.save();
    if (wanted !== undefined) return { ...summary, user: input.user, status: userStatus ?? 'unknown' };

    progress.phase('record', { message: 'Recording the users table' });
    await context.resources.state.set('last-check', { runId: context.runId, users: tally.total });
    await snapshot?.publish({ runId: context.runId, checkedAt: context.clock.now().toISOString(), sourceOfTruth: input.sourceOfTruth, remoteOnly: input.remoteOnly });
    // Past the point of no return: the table is published, so its findings are recorded whatever a cancel says
    // (a cancel now would leave the previous check's findings addressing rows of a table that is gone).
    progress.update({ message: 'Recording findings' });
    for (const held of spill.heldFindings()) {
      for (const finding of held) await context.findings.add(finding);
      await yieldToEventLoop();
    }
    return { ...summary, ...flatten(report) };
  } catch (error) {
    await snapshot?.abandon();
    throw error;
  }
}

/** One classified row: its finding into `found` (or a cleared block when in sync). Returns its status when it is the wanted user's. */
function recordRow(row: SyncRow, index: number, wanted: string | undefined, input: CheckInput, context: EngineContext, blocks: RepairBlocks, found: NewFinding[]): string | undefined {
  const email = rowEmail(row);
  if (wanted !== undefined && email !== wanted) return undefined;
  const subject = subjectOf(row);
  if (row.status === 'in-sync') {
    blocks.clear(subject);
  } else {
    const action = actionFor(row, input.sourceOfTruth, input.remoteOnly);
    const block = blocks.get(subject);
    found.push({
      subject,
      userEmail: email,
      kind: kindOf(row, block),
      reason: reasonOf(row, block),
      proposedAction: proposedAction(row, action, block),
      details: { ...rowDetails(row, input.sourceOfTruth, action, block), row: index, snapshotRunId: context.runId },
    });
  }
  return wanted === undefined ? undefined : row.status;
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
