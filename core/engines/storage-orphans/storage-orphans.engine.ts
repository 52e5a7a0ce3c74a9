import type { Finding } from '../../api/models';
import { ConnectionFaultError } from '../../connectors/shared/fault';
import { yieldToEventLoop } from '../../base/cooperative';
import type { Engine, EngineContext, EngineControls } from '../engine';
import { FailedItems } from '../failed-items';
import type { AccountReport } from './account-probe';
import { runCheck } from './storage-check';
import { StorageDb } from './storage-db';
import { isAutomatic, recordGuard, type SafetyGuardTrip } from './storage-guard';
import { ENGINE_ID, FINDING_KINDS } from './storage-model';
import { StorageOrphansParams, scopeOf } from './storage-params';
import { purgeExpired } from './storage-purge';
import { FileQuarantine } from './storage-quarantine';
import { repairFindings, type RepairReport } from './storage-repair';
import { confirmWithService } from './repair-confirm';
import { StorageClients } from './storage-clients';

/** Per-account lines kept in a run's result (the run.finished event carries it): the rest are in the totals. */
const MAX_RESULT_LINES = 500;

export const storageOrphansEngine: Engine<StorageOrphansParams> = {
  id: ENGINE_ID,
  title: 'Storage orphans',
  description: 'Finds file rows whose Google Drive or Dropbox file is gone (or in the Drive trash), and quarantines them, restorably.',
  phases: [
    { id: 'accounts', label: 'Reading storage accounts', weight: 5 },
    { id: 'check', label: 'Checking Google Drive and Dropbox', weight: 85 },
    { id: 'repair', label: 'Quarantining rows', weight: 10 },
  ],
  params: StorageOrphansParams,
  scopeOf,

  async run(params, context, controls) {
    const { db, mapping } = await context.resources.appDb();
    const product = new StorageDb(db, mapping);
    // Retention ends here: every run purges quarantined rows past their purgeAfter.
    const purged = await purgeExpired(context, new FileQuarantine(db, mapping));
    if (params.mode === 'repair') return manualRepair(params, context, controls, product, purged);

    const checkStartedAt = context.clock.now().toISOString();
    const check = await runCheck(params, context, controls, product);
    // This check re-emitted or concluded on every earlier open finding of its accounts.
    if (check.previous.length) await context.resources.supersedeUnrewritten(check.previous);
    await dropQuarantinedMeanwhile(context, check.subjects, checkStartedAt);
    // A refused connection (invalid_client…) fails the run once the other provider's accounts are done: the
    // admin's to fix on the Connections page; nobody was flagged, and nothing is repaired in a failed run.
    if (check.connectionFault) throw new ConnectionFaultError(check.connectionFault.error, check.connectionFault.connectionName);
    const repair = await autoRepair(params, context, controls, product, check.accounts, check.unanswered);
    if (repair) await recordGuard(context.resources.state, context.runId, worst(repair.safetyGuards));
    // Honest outcome (DESIGN §4.6): accounts not concluded on and rows not quarantined make the run `partial`.
    const failed = new FailedItems();
    failed.absorb(check.failed);
    if (repair) failed.absorb(repair.failed);
    return { ...checkResult(params, check.reports, repair, purged, check.carried), localDiff: check.localDiff, ...failed.fields() };
  },
};

/** Repair of chosen findings: ids, one user's (by user id), or all; a scheduled repair stays inside the §4.3 limit. */
async function manualRepair(params: StorageOrphansParams, context: EngineContext, controls: EngineControls, product: StorageDb, purged: number) {
  controls.progress.phase('repair', { message: 'Reading the chosen findings' });
  const chosen: Finding[] = [];
  const selection = params.findingIds?.length ? { findingIds: params.findingIds } : { all: true };
  if (!params.findingIds?.length && !params.user && !params.all) throw new Error('Choose what to repair: finding ids, one user, or all.');
  for await (const page of context.resources.findingsForRepairPages(selection, { signal: controls.signal })) {
    chosen.push(...page.filter((f) => !params.user || f.details?.userId === params.user));
  }
  const guarded = isAutomatic(context.trigger);
  const problems = chosen.length ? await new FileQuarantine(product.db, product.mapping).schema.restoreProblems() : [];
  if (problems.length && (guarded || params.allowUnrestorable !== true)) {
    throw new Error(`Nothing was quarantined: a quarantined row could not be restored whole. ${problems.join(' ')} To repair anyway, confirm it on the Storage page (or pass allowUnrestorable: true).`);
  }
  // Asked again, just before the move: a finding is an earlier answer, and only the service's answer now lets a row go.
  controls.progress.update({ total: chosen.length, message: `Asking the services again about ${chosen.length} file${chosen.length === 1 ? '' : 's'}` });
  const asked = chosen.length ? await confirmWithService(chosen, product, new StorageClients(context.resources, product, params, context.apiCalls), controls.signal) : { confirmed: [], alive: [], failed: [] };
  if (asked.alive.length) {
    await context.resources.setFindingStatus(asked.alive.map((f) => f.id), 'superseded');
    for (const f of asked.alive) await context.items.log({ item: f.subject, action: 'quarantine', outcome: 'skipped', message: 'The file is there again: its row was left as it is.' });
  }
  for (const { finding, reason } of asked.failed) await context.items.log({ item: finding.subject, action: 'quarantine', outcome: 'failed', message: reason });
  controls.progress.update({ total: chosen.length, message: `Quarantining ${asked.confirmed.length} file row${asked.confirmed.length === 1 ? '' : 's'}` });
  controls.progress.advance(chosen.length - asked.confirmed.length);
  const report = await repairFindings(asked.confirmed, context, product, { guarded, retentionDays: params.retentionDays, signal: controls.signal, onDone: (n) => controls.progress.advance(n) });
  report.chosen = chosen.length;
  if (asked.alive.length) report.skipped['file-there-again'] = (report.skipped['file-there-again'] ?? 0) + asked.alive.length;
  for (const { finding, reason } of asked.failed) report.failed.add(finding.subject, reason);
  if (guarded) await recordGuard(context.resources.state, context.runId, worst(report.safetyGuards));
  return { complete: true, mode: 'repair', ...repairTotals(report), purged, ...guardFields(report), ...report.failed.fields() };
}

/**
 * After a check: users whose rows may be deleted automatically (the
 * schedule's autoRepair switch, or on a scheduled run the user's own
 * deleteAfterSync) get their new orphan findings repaired, inside the limit.
 */
/**
 * The automatic repair acts only on what this run concluded: a finding it found, or one a delta carried because the
 * change feed says nothing new of its file. A finding carried unanswered (no answer from the service, an account that
 * failed) is an earlier check's word that nothing of this run confirms: it waits for a person or a run that concludes
 * on it (s23c attack: such findings of files seen alive in the same run had their live rows quarantined).
 */
async function autoRepair(params: StorageOrphansParams, context: EngineContext, controls: EngineControls, product: StorageDb, accounts: { userId: string; deleteAfterSync: boolean }[], unanswered: ReadonlySet<string>): Promise<RepairReport | undefined> {
  const users = new Set(accounts.filter((a) => params.autoRepair === true || (isAutomatic(context.trigger) && a.deleteAfterSync)).map((a) => a.userId));
  if (users.size === 0) return undefined;
  // An automatic repair never removes what could not come back whole: the findings wait for a person.
  const problems = await new FileQuarantine(product.db, product.mapping).schema.restoreProblems();
  if (problems.length) return { ...emptyRepair(), refused: problems };
  // The findings of this run are buffered; the run's sink writes them now so the repair can mark them.
  await context.findings.flush();
  controls.progress.phase('repair', { message: 'Automatic repair' });
  const mine: Finding[] = [];
  for await (const page of context.resources.findingsForRepairPages({ all: true }, { signal: controls.signal })) {
    mine.push(...page.filter((f) => f.runId === context.runId && !unanswered.has(f.subject) && f.kind === FINDING_KINDS.orphan && users.has(String(f.details?.userId))));
  }
  controls.progress.update({ total: mine.length });
  return repairFindings(mine, context, product, { guarded: true, retentionDays: params.retentionDays, signal: controls.signal, onDone: (n) => controls.progress.advance(n) });
}

function emptyRepair(): RepairReport {
  return { chosen: 0, quarantined: 0, alreadyQuarantined: 0, rowGone: 0, skipped: {}, perUser: new Map(), safetyGuards: [], failed: new FailedItems() };
}

function checkResult(params: StorageOrphansParams, reports: AccountReport[], repair: RepairReport | undefined, purged: number, carried: number) {
  const sum = (pick: (r: AccountReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  const unknownOf = (r: AccountReport) => Object.values(r.unknown).reduce((n, v) => n + v, 0);
  const repairedOf = (r: AccountReport) => repair?.perUser.get(r.userId)?.provider.get(r.provider) ?? 0;
  // Accounts with something to say first, so a truncated list keeps them.
  const notable = [...reports].sort((a, b) => Number(b.status !== 'ok') - Number(a.status !== 'ok'));
  return {
    complete: true,
    mode: 'check',
    ...(params.quiet ? { quiet: true } : {}),
    accounts: reports.length,
    filesChecked: sum((r) => r.filesChecked),
    orphans: sum((r) => r.orphans),
    trashed: sum((r) => r.trashed),
    unknownFiles: sum(unknownOf),
    carriedForward: carried,
    cursorsRejected: reports.filter((r) => r.cursorRejected).length,
    byMode: Object.fromEntries(['list', 'delta', 'probe', 'skipped'].map((m) => [m, reports.filter((r) => r.mode === m).length])),
    /** Which pass each account got (DESIGN §4.7): full or delta, counted; each result line says why. */
    byPass: { full: reports.filter((r) => r.pass === 'full').length, delta: reports.filter((r) => r.pass === 'delta').length },
    purged,
    ...(repair ? { repaired: repair.quarantined + repair.alreadyQuarantined, repair: repairTotals(repair) } : { repaired: 0 }),
    results: notable.slice(0, MAX_RESULT_LINES).map((r) => ({
      userId: r.userId,
      email: r.email,
      provider: r.provider,
      mode: r.mode,
      pass: r.pass,
      passReason: r.passReason,
      filesChecked: r.filesChecked,
      orphans: r.orphans,
      trashed: r.trashed,
      repaired: repairedOf(r),
      skipped: r.unknown,
      status: r.status,
      message: r.message,
    })),
    resultsTruncated: reports.length > MAX_RESULT_LINES,
    needsReconnect: reports.filter((r) => r.needsReconnect).map((r) => ({ userId: r.userId, email: r.email, provider: r.provider })),
    ...(repair ? guardFields(repair) : {}),
  };
}

function repairTotals(report: RepairReport) {
  return { chosen: report.chosen, quarantined: report.quarantined, alreadyQuarantined: report.alreadyQuarantined, rowGone: report.rowGone, skipped: report.skipped, ...(report.refused ? { refused: report.refused } : {}) };
}

function guardFields(report: RepairReport) {
  const trip = worst(report.safetyGuards);
  return trip ? { safetyGuard: trip, safetyGuards: report.safetyGuards.slice(0, 50) } : {};
}

function worst(trips: SafetyGuardTrip[]): SafetyGuardTrip | undefined {
  return trips.reduce<SafetyGuardTrip | undefined>((w, t) => (!w || t.wouldDelete > w.wouldDelete ? t : w), undefined);
}

/**
 * A repair may quarantine a row while a check runs, after the check read the row: the finding the check then
 * writes for it finds no open one to update (the repair's is quarantined now) and opens a second one, for a row
 * that is no longer in the product's table. Such findings of this check are superseded: the quarantined one
 * speaks for the row (a restore reads it). Store timestamps are ISO strings of one clock, so they compare as text.
 */
const SUBJECTS_PER_TURN = 2_000;

async function dropQuarantinedMeanwhile(context: EngineContext, subjects: readonly string[], since: string): Promise<void> {
  if (subjects.length === 0) return;
  await context.findings.flush();
  const quarantined = new Set<string>();
  // A few thousand subjects a turn: a million-row check has tens of thousands, and the run's end follows in one turn.
  for (let at = 0; at < subjects.length; at += SUBJECTS_PER_TURN) {
    await yieldToEventLoop();
    const found = await context.resources.findingsBySubjects(subjects.slice(at, at + SUBJECTS_PER_TURN), 'quarantined');
    // Only quarantined during this check: a row quarantined long ago whose id the product has since used again is a row of its own.
    for (const finding of found) if (finding.updatedAt >= since) quarantined.add(finding.subject);
  }
  await yieldToEventLoop();
  if (quarantined.size === 0) return;
  const stale = (await context.resources.findingsBySubjects([...quarantined], 'open')).map((f) => f.id);
  if (stale.length) await context.resources.updateFindings(stale, { status: 'superseded' });
}
