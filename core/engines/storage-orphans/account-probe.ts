import type { AccountStatus } from '../../api/storage';
import { inPool } from '../../base/pool';
import type { Finding } from '../../api/models';
import type { ConnectorError } from '../../connectors/shared/connector-error';
import type { PassReason } from './account-pass';
import type { AccountState } from './account-state';
import type { ListingDiffer } from './listing-diff';
import type { DiffClock } from './diff-clock';
import type { StorageDb } from './storage-db';
import { FINDING_KINDS, type FileRow, type StorageAccount, type StorageFindingKind } from './storage-model';
import type { ProbeAnswer, ProviderRemote } from './remote-view';
import { seenKey, type SeenRows } from './seen-rows';

/**
 * What one account's check is given and reports, and the probing and
 * concluding both of its passes share (account-check.ts for full and probe
 * passes, account-delta.ts for deltas): kept apart so neither pass imports
 * the other.
 */

/** Concurrent probes per account (the service policy's bulkhead caps the service as a whole). */
export const PROBE_BATCH = 16;
/** Rows concluded (and progress reported) at a time while probing. */
const PROBE_WINDOW = 256;

export type CheckStrategy = 'auto' | 'list' | 'probe';

export interface AccountReport {
  userId: string;
  email: string | null;
  provider: StorageAccount['provider'];
  /** How the account was read: a full listing, the changes since the cursor, one probe per row, or not at all. */
  mode: 'list' | 'delta' | 'probe' | 'skipped';
  /** Which pass ran (null: none could) and why (account-pass.ts). */
  pass: 'full' | 'delta' | null;
  passReason: PassReason | null;
  filesChecked: number;
  orphans: number;
  trashed: number;
  /** Rows with no definitive answer, by reason (rate-limited, unavailable, permission…): never orphans. */
  unknown: Record<string, number>;
  status: AccountStatus;
  message: string | null;
  /** The stored cursor was refused and a full pass replaced it. */
  cursorRejected?: boolean;
  needsReconnect?: boolean;
  /** The connection's own credentials were refused (faultOf → `connection`): the run fails, this account is no failure of its own. */
  connectionFault?: ConnectorError;
  /** The provider has no usable connection set up: the account was skipped, never failed (storage-clients.ts). */
  providerUnavailable?: boolean;
}

export interface Drift {
  row: FileRow;
  kind: StorageFindingKind;
}

export interface AccountCheckInput {
  diffClock?: DiffClock;
  /** Where full listings are diffed against the product's rows (the check's thread, or this one). */
  differ: ListingDiffer;
  account: StorageAccount;
  state: AccountState;
  product: StorageDb;
  remote: () => Promise<ProviderRemote>;
  /**
   * Open findings of earlier checks for this account, by the row they are about (findingRowKey): carried forward
   * when this check cannot conclude. By row, not by cloud file: two rows pointing at one gone file (a table without
   * a unique cloud id) each keep their finding.
   */
  previous: Map<string, Finding>;
  strategy: CheckStrategy;
  full: boolean;
  /** The rows earlier passes examined (seenKey: row id and cloud file id): a delta examines every other row too. */
  seen: SeenRows;
  now: Date;
  /** A full pass runs when the last one is this old (DEFAULT_FULL_PASS_HOURS). */
  fullPassHours: number;
  signal: AbortSignal;
  onDrift(drift: Drift): Promise<void>;
  /**
   * A previous finding still believed true, re-emitted as it was: `unchanged`, a delta's changes say nothing new of
   * its file (the change feed stands for it); `unanswered`, this check could not conclude on it (no answer, or the
   * account failed), so nothing of this run confirms it.
   */
  onCarry(finding: Finding, why: CarryReason): Promise<void>;
  /** What this account's check has concluded so far (checkAccount sets it): a failure carries only the rest. */
  conclusions?: Conclusions;
  onRows(n: number): void;
}

export interface AccountCheckResult {
  report: AccountReport;
  /** Account-state fields to store (undefined cursor: keep the stored one). */
  patch: Partial<AccountState>;
}

/** Probes rows by their cloud id; returns the ids of rows left unknown. `examined` receives every probed row's seenKey. */
export async function probeRows(input: AccountCheckInput, remote: ProviderRemote, rows: AsyncIterable<FileRow[]> | FileRow[], report: AccountReport, drift: (d: Drift) => Promise<void>, examined?: string[]): Promise<Set<string>> {
  const chunks: AsyncIterable<FileRow[]> | FileRow[][] = Array.isArray(rows) ? [rows] : rows;
  const unknown = new Set<string>();
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += PROBE_WINDOW) {
      const rows = chunk.slice(at, at + PROBE_WINDOW);
      // A file found alive is known alive at once: a later probe of the window that throws fails the account, and
      // its earlier findings are then carried, but never one of a file this check saw alive (Conclusions, s23c).
      const answers = await probeWindow(remote, rows, input.signal, (row, answer) => {
        if (answer.state === 'found') input.conclusions?.alive(row.providerFileId);
      });
      for (const [i, row] of rows.entries()) {
        const answer = answers[i] as ProbeAnswer;
        if (answer.state === 'unknown') unknown.add(row.id);
        await conclude(input, row, answer, report, drift);
        examined?.push(seenKey(row.id, row.providerFileId));
      }
      report.filesChecked += rows.length;
      input.onRows(rows.length);
    }
  }
  return unknown;
}

/**
 * PROBE_BATCH probes in flight, each next one started as one ends. Batches of 16 (the earlier way) waited for
 * their slowest probe before the next began, which made probing slower than one probe after another whenever
 * answers came back unevenly. A failure (a refused grant: the account's outcome) starts no further probe.
 */
async function probeWindow(remote: ProviderRemote, rows: readonly FileRow[], signal: AbortSignal, answered: (row: FileRow, answer: ProbeAnswer) => void): Promise<ProbeAnswer[]> {
  let failed = false;
  return inPool(rows, PROBE_BATCH, async (row) => {
    if (failed) return { state: 'unknown', reason: 'not-probed' } as ProbeAnswer;
    try {
      const answer = await remote.probe(row, signal);
      answered(row, answer);
      return answer;
    } catch (error) {
      failed = true;
      throw error;
    }
  });
}

async function conclude(input: AccountCheckInput, row: FileRow, answer: ProbeAnswer, report: AccountReport, drift: (d: Drift) => Promise<void>): Promise<void> {
  if (answer.state === 'gone') await drift({ row, kind: FINDING_KINDS.orphan });
  else if (answer.state === 'trashed') await drift({ row, kind: FINDING_KINDS.trashed });
  else if (answer.state === 'unknown') {
    report.unknown[answer.reason] = (report.unknown[answer.reason] ?? 0) + 1;
    // No answer now: what an earlier check concluded still stands.
    const earlier = input.previous.get(seenKey(row.id, row.providerFileId));
    if (earlier) await carry(input, report, earlier, 'unanswered');
  }
}

const unknownFiles = (report: AccountReport): number => Object.values(report.unknown).reduce((n, v) => n + v, 0);

/**
 * What one account's check has concluded so far: the rows it made or carried a finding for, and the cloud files it
 * saw alive (a listing's, a delta's, a probe's). When the check then fails, only the earlier findings it has not
 * concluded on are carried forward: carrying one it disproved (its file alive again) would keep an orphan finding
 * open, which a repair would act on, and one it re-made as another kind (trashed) would be overwritten (s23b attack).
 */
export class Conclusions {
  private readonly rows = new Set<string>();
  /** Subjects of the findings it made or carried: one open finding per subject, so an earlier one about the row's former cloud file must not replace it. */
  private readonly subjects = new Set<string>();
  private readonly alivePids = new Set<string>();
  private readonly aliveSets: ReadonlySet<string>[] = [];
  /** Lower-case Dropbox paths a delta saw a file at: rows kept by path (no `id:`) are alive there. */
  private readonly alivePathSets: ReadonlySet<string>[] = [];

  row(key: string, subject: string): void {
    this.rows.add(key);
    this.subjects.add(subject);
  }

  alive(pid: string): void {
    this.alivePids.add(pid);
  }

  /** Every cloud id in `pids` is alive (a listing's or a delta's set, kept by reference). */
  aliveIn(pids: ReadonlySet<string>): void {
    this.aliveSets.push(pids);
  }

  alivePathsIn(paths: ReadonlySet<string>): void {
    this.alivePathSets.push(paths);
  }

  settles(finding: Finding): boolean {
    const pid = String(finding.details?.providerFileId ?? '');
    if (this.rows.has(findingRowKey(finding)) || this.subjects.has(finding.subject) || this.alivePids.has(pid)) return true;
    return this.aliveSets.some((set) => set.has(pid)) || this.alivePathSets.some((set) => set.has(pid.toLowerCase()));
  }
}

/**
 * An earlier finding carried forward as it was. A delta's result counts it with what it found (a delta re-reads only
 * what changed, so its orphans are every finding it stands by); a full pass counts only what it found itself, and
 * its carried findings apart (the run's carriedForward).
 */
export async function carry(input: AccountCheckInput, report: AccountReport, finding: Finding, why: CarryReason): Promise<void> {
  await input.onCarry(finding, why);
  if (report.mode !== 'delta') return;
  if (finding.kind === FINDING_KINDS.orphan) report.orphans++;
  else report.trashed++;
}

export type CarryReason = 'unchanged' | 'unanswered';

/** The row a finding is about, as a seenKey (its row id and cloud file id, as the finding's details name them). */
export const findingRowKey = (finding: Finding): string => seenKey(String(finding.details?.fileRowId ?? ''), String(finding.details?.providerFileId ?? ''));

/** The cursor a full pass keeps (finish): none when it left files unknown. */
export function keptCursor(report: AccountReport, cursor: string | null): string | null {
  return unknownFiles(report) > 0 ? null : cursor;
}

export function finish(report: AccountReport, patch: Partial<AccountState>, status?: AccountStatus, message?: string): AccountCheckResult {
  const unknown = unknownFiles(report);
  // A pass that left files unknown must not move the cursor past them: the next run would never look at them again.
  // A full pass then keeps no cursor (the next run reads in full again); a delta keeps the old one (it re-reads the same changes).
  if (unknown > 0 && 'cursor' in patch) {
    if (report.mode === 'delta') delete patch.cursor;
    else patch.cursor = null;
  }
  report.status = status ?? (unknown > 0 ? 'unknown' : report.orphans + report.trashed > 0 ? 'orphans' : 'ok');
  if (message !== undefined) report.message = message;
  else if (unknown > 0) {
    // Appended, not set: a pass that already says why it ran as it did (a probe after incompleteSearch, a delta
    // fallback) must still say that some files were left unchecked.
    const unchecked = `${unknown} file${unknown === 1 ? '' : 's'} could not be checked (${Object.keys(report.unknown).join(', ')}); they are not reported as orphans.`;
    report.message = report.message ? `${report.message} ${unchecked}` : unchecked;
  }
  return { report, patch: { ...patch, status: report.status, message: report.message } };
}
