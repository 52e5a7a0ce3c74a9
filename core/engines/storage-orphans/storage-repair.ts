import type { Finding } from '../../api/models';
import { TimeSlicer } from '../../base/cooperative';
import type { EngineContext } from '../engine';
import { FailedItems } from '../failed-items';
import { readAccount, updateAccount } from './account-state';
import type { StorageDb } from './storage-db';
import { autoRepairLimit, type SafetyGuardTrip } from './storage-guard';
import { DEFAULT_RETENTION_DAYS, FINDING_KINDS, isStorageProvider } from './storage-model';
import { FileQuarantine, type ExpectedRow, type HeldRow, type QuarantinedRow } from './storage-quarantine';

/** Rows per quarantine transaction: one short write, and a crash loses at most the batch in flight (which then did not happen). */
const BATCH = 200;
/** Rows refused one after another, with no move committing between them, before the repair stops and fails the run: the database refuses everything. */
const MAX_REFUSED_IN_A_ROW = 20;

export interface RepairOptions {
  /** Automatic run: DESIGN §4.3 limit per user, orphans only, rows an admin restored left alone. */
  guarded: boolean;
  retentionDays?: number | undefined;
  signal: AbortSignal;
  onDone?: (n: number) => void;
}

export interface RepairReport {
  chosen: number;
  quarantined: number;
  /** Already in quarantine (a repeated repair, or one cut short by a crash). */
  alreadyQuarantined: number;
  /** The row was gone from both tables: nothing to do. */
  rowGone: number;
  skipped: Record<string, number>;
  perUser: Map<string, { provider: Map<string, number> }>;
  safetyGuards: SafetyGuardTrip[];
  /** An automatic repair did not run because a quarantined row could not be restored whole (why, in plain words). */
  refused?: string[];
  /** Rows that could not be quarantined (the finding names no row, or the database refused the move): they stay, their findings open. */
  failed: FailedItems;
}

export const restoredKey = (fileRowId: string) => `restored:${fileRowId}`;

/**
 * Quarantines the rows of the chosen findings (never a plain delete): each
 * batch moves rows from files to file_quarantine in one transaction, then the
 * findings are marked and the before-images go to the audit log. Idempotent:
 * a row already quarantined is only marked, so a re-run after a crash
 * finishes the job and changes nothing twice.
 */
export async function repairFindings(findings: readonly Finding[], context: EngineContext, product: StorageDb, options: RepairOptions): Promise<RepairReport> {
  const { resources } = context;
  const report: RepairReport = { chosen: findings.length, quarantined: 0, alreadyQuarantined: 0, rowGone: 0, skipped: {}, perUser: new Map(), safetyGuards: [], failed: new FailedItems() };
  const skip = (reason: string, n = 1) => (report.skipped[reason] = (report.skipped[reason] ?? 0) + n);
  const byUser = new Map<string, Finding[]>();
  for (const f of findings) {
    const userId = typeof f.details?.userId === 'string' ? f.details.userId : undefined;
    const rowId = fileRowIdOf(f);
    if (!userId || !rowId) {
      skip('invalid-finding');
      report.failed.add(f.subject, `Finding ${f.id} names no ${userId ? 'file row' : 'user'}: nothing could be quarantined for it.`);
      continue;
    }
    if (options.guarded && f.kind !== FINDING_KINDS.orphan) {
      skip('trashed-left-for-a-person');
      continue;
    }
    if (options.guarded && await resources.state.get(restoredKey(rowId))) {
      skip('restored-by-admin');
      continue;
    }
    const mine = byUser.get(userId);
    if (mine) mine.push(f);
    else byUser.set(userId, [f]);
  }

  const planned: Finding[] = [];
  for (const [userId, mine] of byUser) {
    const rows = new Set(mine.map(fileRowIdOf));
    if (options.guarded) {
      const limit = autoRepairLimit(await product.userFileCount(userId));
      if (rows.size > limit) {
        report.safetyGuards.push({ tripped: true, limit, wouldDelete: rows.size, userId });
        skip('safety-guard', mine.length);
        continue;
      }
    }
    planned.push(...mine);
  }

  const quarantine = new FileQuarantine(product.db, product.mapping);
  const slicer = new TimeSlicer();
  const now = context.clock.now();
  const purgeAfter = new Date(now.getTime() + (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400_000).toISOString();
  const queue: Finding[][] = [];
  for (let at = 0; at < planned.length; at += BATCH) queue.push(planned.slice(at, at + BATCH));
  let refusedInARow = 0;
  for (let batch = queue.shift(); batch; batch = queue.shift()) {
    options.signal.throwIfAborted();
    const ids = [...new Set(batch.map((f) => fileRowIdOf(f) as string))];
    // Rows already in quarantine are read BEFORE the move, so nothing awaits between the move's commit
    // and its audit: a run that moved rows has audited them unless its process died in between.
    const heldBefore = await quarantine.held(ids);
    const guard = { expected: expectedRows(batch), changed: new Set<string>() };
    let moved: QuarantinedRow[];
    try {
      moved = await quarantine.quarantine(ids, { quarantinedAt: now.toISOString(), purgeAfter, reason: batch.length === 1 ? (batch[0] as Finding).reason : 'storage-orphans repair', runId: context.runId }, guard);
    } catch (error) {
      // The move is one transaction: refused, it changed nothing. A batch is tried again row by row, so
      // one row the database refuses (a restricting foreign key…) fails alone; that row stays, its finding open.
      if (options.signal.aborted) throw error;
      if (batch.length > 1) {
        queue.unshift(...batch.map((f) => [f]));
        continue;
      }
      if (++refusedInARow >= MAX_REFUSED_IN_A_ROW) throw error;
      const f = batch[0] as Finding;
      const refused = `The database refused to quarantine file row ${fileRowIdOf(f)}: ${error instanceof Error ? error.message : String(error)}`;
      report.failed.add(f.subject, refused);
      await context.items.log({ item: f.subject, action: 'quarantine', outcome: 'failed', message: refused });
      context.log.warn({ subject: f.subject, err: error }, 'quarantine of one file row failed');
      options.onDone?.(1);
      continue;
    }
    refusedInARow = 0;
    // The move committed in the product DB; the audit and the finding statuses live in the console store, a
    // different database, and are written right after with no await in between.
    if (moved.length) await audit(context, moved, purgeAfter, false, product.mapping.fileQuarantine.table);
    const movedIds = new Set(moved.map((r) => r.id));
    // Rows neither moved nor held before: gone from the product, or moved meanwhile by an overlapping run.
    const unseen = ids.filter((id) => !movedIds.has(id) && !heldBefore.has(id) && !guard.changed.has(id));
    const held = new Map([...heldBefore, ...(unseen.length ? await quarantine.held(unseen) : new Map<string, HeldRow>())]);
    for (const id of movedIds) held.delete(id);
    const claim = await claimHeldRows(held, context);
    const stamp = { quarantinedAt: now.toISOString(), purgeAfter };
    // Findings by the quarantine dates they get: this run's for rows it moved, the copy's own for rows moved earlier.
    const done = new Map<string, { dates: typeof stamp; ids: number[] }>();
    const gone: number[] = [];
    const changed: number[] = [];
    for (const f of batch) {
      const rowId = fileRowIdOf(f) as string;
      if (guard.changed.has(rowId) && !held.has(rowId)) {
        changed.push(f.id);
        continue;
      }
      const earlier = held.get(rowId);
      if (!movedIds.has(rowId) && !earlier) {
        gone.push(f.id);
        continue;
      }
      // Another run that is still at work moved it: that run audits it and marks its findings.
      if (earlier && claim.leftToMover.has(rowId)) continue;
      const dates = earlier?.quarantinedAt && earlier.purgeAfter ? { quarantinedAt: earlier.quarantinedAt, purgeAfter: earlier.purgeAfter } : stamp;
      const key = `${dates.quarantinedAt}|${dates.purgeAfter}`;
      const group = done.get(key) ?? { dates, ids: [] };
      group.ids.push(f.id);
      done.set(key, group);
    }
    // The run's item log, one line per file row: moved now, already held, gone, or changed since the check.
    for (const row of moved) await context.items.log({ item: fileLabel(row), action: 'quarantine', outcome: 'done', message: `Held until ${purgeAfter.slice(0, 10)}; restorable until then.` });
    for (const row of held.values()) await context.items.log({ item: fileLabel(row), action: 'quarantine', outcome: 'skipped', message: 'Already in quarantine.' });
    if (gone.length || changed.length) {
      for (const f of batch) {
        if (gone.includes(f.id)) await context.items.log({ item: f.subject, action: 'quarantine', outcome: 'skipped', message: 'The row left the files table some other way.' });
        else if (changed.includes(f.id)) await context.items.log({ item: f.subject, action: 'quarantine', outcome: 'skipped', message: 'The row changed since the check; left as is.' });
      }
    }
    report.quarantined += moved.length;
    report.alreadyQuarantined += held.size;
    report.rowGone += gone.length;
    if (claim.recovered.length) await audit(context, claim.recovered, purgeAfter, true, product.mapping.fileQuarantine.table);
    // The dates go into the finding so the console can say until when a row is restorable without opening the product DB.
    for (const { dates, ids: marked } of done.values()) await resources.updateFindings(marked, { status: 'quarantined', details: dates });
    // The row left files some other way (the product deleted it): the drift resolved itself.
    if (gone.length) await resources.setFindingStatus(gone, 'superseded');
    // The row points at another file (or another user) than the finding was about: that finding is over, the row stays.
    if (changed.length) {
      await resources.setFindingStatus(changed, 'superseded');
      skip('row-changed-since-check', changed.length);
    }
    const perAccount = new Map<string, { userId: string; provider: QuarantinedRow['provider']; n: number }>();
    for (const row of moved) {
      const user = report.perUser.get(row.userId) ?? { provider: new Map<string, number>() };
      user.provider.set(row.provider, (user.provider.get(row.provider) ?? 0) + 1);
      report.perUser.set(row.userId, user);
      const key = `${row.userId}\u0000${row.provider}`;
      const entry = perAccount.get(key) ?? { userId: row.userId, provider: row.provider, n: 0 };
      entry.n++;
      perAccount.set(key, entry);
    }
    // One state write per account and batch (a write per row made a 30,000-row repair take 16 s).
    for (const { userId, provider, n } of perAccount.values()) {
      const known = isStorageProvider(provider) ? await readAccount(resources.state, userId, provider) : undefined;
      if (known) await updateAccount(resources.state, userId, provider, { files: Math.max(0, known.files - n) });
    }
    options.onDone?.(batch.length);
    await slicer.maybeYield(options.signal);
  }
  return report;
}

/**
 * Rows found in quarantine that this batch did not move. The run that moved one
 * audited it in the same synchronous step as the move's commit, unless its
 * process died in between: so a row is audited here, flagged
 * recoveredAfterInterruption, only when its mover ended `interrupted` (or is
 * unknown to this store) and no earlier recovery audited it (a state key per
 * row). A row whose mover is still queued or running belongs to that run.
 */
async function claimHeldRows(held: ReadonlyMap<string, HeldRow>, context: EngineContext): Promise<{ recovered: HeldRow[]; leftToMover: Set<string> }> {
  const { resources } = context;
  const recovered: HeldRow[] = [];
  const leftToMover = new Set<string>();
  for (const row of held.values()) {
    if (row.runId === context.runId) continue; // moved by this run in an earlier batch: audited then
    const state = row.runId === null ? undefined : await resources.runState(row.runId);
    if (state === 'queued' || state === 'running') {
      leftToMover.add(row.id);
      continue;
    }
    if (state !== undefined && state !== 'interrupted') continue;
    const key = recoveredKey(row.id);
    if (await resources.state.get<number | null>(key) === row.runId) continue;
    await resources.state.set(key, row.runId);
    recovered.push(row);
  }
  return { recovered, leftToMover };
}

const recoveredKey = (fileRowId: string) => `quarantine-audit-recovered:${fileRowId}`;

async function audit(context: EngineContext, rows: readonly QuarantinedRow[], purgeAfter: string, recovered: boolean, table: string): Promise<void> {
  await context.resources.audit({
    action: 'quarantine-files',
    subject: rows.length === 1 ? `file:${(rows[0] as QuarantinedRow).id}` : `${rows.length} files`,
    before: rows,
    after: { table, purgeAfter, ...(recovered ? { recoveredAfterInterruption: true } : {}) },
  });
}

/** Per files row id, what each finding said the row pointed at (its details, written by storage-findings.ts). */
function expectedRows(findings: readonly Finding[]): Map<string, ExpectedRow> {
  const expected = new Map<string, ExpectedRow>();
  for (const f of findings) {
    const d = f.details ?? {};
    const rowId = fileRowIdOf(f);
    if (rowId && typeof d.userId === 'string' && isStorageProvider(d.provider) && typeof d.providerFileId === 'string') {
      expected.set(rowId, { userId: d.userId, provider: d.provider, providerFileId: d.providerFileId });
    }
  }
  return expected;
}

function fileRowIdOf(f: Finding): string | undefined {
  if (typeof f.details?.fileRowId === 'string') return f.details.fileRowId;
  return f.subject.startsWith('file:') ? f.subject.slice(5) : undefined;
}

/** A file row as a person knows it: its name, with the row id to find it. */
function fileLabel(row: QuarantinedRow): string {
  return row.name ? `${row.name} (row ${row.id})` : `file row ${row.id}`;
}
