import type { AccountStatus } from '../../api/storage';
import type { Finding } from '../../api/models';
import { isConnectorError, type ConnectorError } from '../../connectors/shared/connector-error';
import { connectionFaultMessage, faultOf } from '../../connectors/shared/fault';
import { TimeSlicer } from '../../base/cooperative';
import { deltaPass } from './account-delta';
import { planPass, type PassReason } from './account-pass';
import type { AccountState } from './account-state';
import type { DiffClock } from './diff-clock';
import { ProviderUnavailableError } from './storage-clients';
import type { StorageDb } from './storage-db';
import { FINDING_KINDS, MAX_PAGE_SIZE, type FileRow, type StorageAccount, type StorageFindingKind } from './storage-model';
import type { FullListing, ProbeAnswer, ProviderRemote } from './remote-view';
import { seenKey, type SeenRows } from './seen-rows';

/** Concurrent probes per account (the service policy's bulkhead caps the service as a whole). */
export const PROBE_BATCH = 16;

type CheckStrategy = 'auto' | 'list' | 'probe';

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
  account: StorageAccount;
  state: AccountState;
  product: StorageDb;
  remote: () => Promise<ProviderRemote>;
  /** Open findings of earlier checks for this account, by cloud file id: carried forward when this check cannot conclude. */
  previous: Map<string, Finding>;
  strategy: CheckStrategy;
  full: boolean;
  /** The rows earlier passes examined (seenKey: row id and cloud file id): a delta examines every other row too. */
  seen: SeenRows;
  now: Date;
  /** A full pass runs when the last one is this old (DEFAULT_FULL_PASS_HOURS). */
  fullPassHours: number;
  signal: AbortSignal;
  onDrift(drift: Drift): void;
  /** A previous finding still believed true (unknown now, or untouched by a delta): re-emitted as it was. */
  onCarry(finding: Finding): void;
  onRows(n: number): void;
}

export interface AccountCheckResult {
  report: AccountReport;
  /** Account-state fields to store (undefined cursor: keep the stored one). */
  patch: Partial<AccountState>;
}

/**
 * Checks one provider of one user. Every failure is contained here: a
 * revoked grant marks needs-reconnect, anything else leaves the account
 * unknown, and in both cases the earlier findings are carried forward, never
 * dropped and never turned into new orphans (DESIGN §4.1).
 */
export async function checkAccount(input: AccountCheckInput): Promise<AccountCheckResult> {
  const { account, state } = input;
  const report: AccountReport = { userId: account.userId, email: account.email, provider: account.provider, mode: 'skipped', pass: null, passReason: null, filesChecked: 0, orphans: 0, trashed: 0, unknown: {}, status: 'ok', message: null };
  const drift = (d: Drift) => {
    if (d.kind === FINDING_KINDS.orphan) report.orphans++;
    else report.trashed++;
    input.onDrift(d);
  };
  try {
    const remote = await input.remote();
    const seen = await input.seen.load();
    let plan = planPass(state, { full: input.full, now: input.now, fullPassHours: input.fullPassHours, seenKnown: seen !== undefined });
    if (plan.pass === 'delta' && seen && state.cursor) {
      const outcome = await deltaPass(input, remote, state.cursor, seen, report, drift);
      if ('done' in outcome) return outcome.done;
      plan = { pass: 'full', reason: outcome.fallback };
      report.message = outcome.message;
    }
    report.pass = 'full';
    report.passReason = plan.reason;
    return await fullPass(input, remote, report, drift);
  } catch (error) {
    input.signal.throwIfAborted();
    for (const finding of input.previous.values()) input.onCarry(finding);
    // Whose fault (fault.ts): only the user's own grant flags the account; the connection's refused credentials flag nobody.
    const fault = faultOf(error);
    if (fault === 'user' && isConnectorError(error)) {
      report.needsReconnect = true;
      return finish(report, { cursor: null }, 'needs-reconnect', `The ${account.provider === 'google' ? 'Google' : 'Dropbox'} grant was refused (${error.reason ?? error.message}): the user must reconnect.`);
    }
    if (fault === 'connection' && isConnectorError(error)) report.connectionFault = error;
    if (error instanceof ProviderUnavailableError) report.providerUnavailable = true;
    const message =
      fault === 'connection' && isConnectorError(error)
        ? connectionFaultMessage(error)
        : error instanceof ProviderUnavailableError || isConnectorError(error)
          ? error.message
          : `Check failed: ${(error as Error).message}`;
    if (isConnectorError(error)) report.unknown[error.kind] = (report.unknown[error.kind] ?? 0) + 1;
    return finish(report, {}, 'unknown', message);
  }
}

/** List or probe, by cost: a listing costs its pages, a probe one call per row. */
async function fullPass(input: AccountCheckInput, remote: ProviderRemote, report: AccountReport, drift: (d: Drift) => void): Promise<AccountCheckResult> {
  const { account, state, product } = input;
  const page = MAX_PAGE_SIZE[account.provider];
  const rows = await countRows(product, account);
  const listPages = Math.max(1, Math.ceil((state.remoteFiles ?? rows) / page));
  const probe = input.strategy === 'probe' || (input.strategy === 'auto' && state.remoteFiles !== null && rows < listPages);
  // A delta run costs about one call: a cursor pays only where the next full check would cost two or more
  // (Dropbox hands its cursor over with the listing, so it is always kept).
  const nextFullCost = Math.min(listPages, Math.max(rows, 1));
  const keepCursor = account.provider === 'dropbox' || nextFullCost >= 2;
  const examined: string[] = [];
  // Every full pass re-bases: what it examined is what the next delta counts as seen; renames are known afresh.
  const full = { lastFullAt: input.now.toISOString(), ...(account.provider === 'dropbox' ? { paths: {} } : {}) };
  if (probe) {
    report.mode = 'probe';
    // Taken before the probes, so a change made while probing is in the next delta.
    const cursor = rows >= 2 ? await remote.startCursor(input.signal) : null;
    await probeRows(input, remote, product.accountRows(account.userId, account.provider), report, drift, examined);
    await input.seen.save(examined);
    return finish(report, { files: report.filesChecked, cursor, ...full });
  }
  report.mode = 'list';
  const listing = await remote.list(keepCursor, input.signal);
  await diffListing(input, remote, listing, report, drift, examined);
  await input.seen.save(examined);
  return finish(report, { files: report.filesChecked, remoteFiles: listing.remoteFiles, cursor: listing.cursor, ...full });
}

async function diffListing(input: AccountCheckInput, remote: ProviderRemote, listing: FullListing, report: AccountReport, drift: (d: Drift) => void, examined: string[]): Promise<void> {
  const slicer = new TimeSlicer();
  const clock = input.diffClock;
  clock?.enter();
  const drifted = new Map<string, StorageFindingKind>();
  const uncovered: string[] = [];
  try {
    for await (const chunk of input.product.accountIds(input.account.userId, input.account.provider)) {
      let listed = 0;
      for (const row of chunk) {
        // Ids compare as strings: a product may store them in a numeric column.
        const id = String(row.pid);
        if (listing.covers && !listing.covers(id)) {
          uncovered.push(String(row.id));
          continue;
        }
        listed++;
        examined.push(seenKey(String(row.id), id));
        if (listing.trashed.has(id)) drifted.set(String(row.id), FINDING_KINDS.trashed);
        else if (!listing.present.has(id)) drifted.set(String(row.id), FINDING_KINDS.orphan);
      }
      report.filesChecked += listed;
      if (clock) clock.rows += listed;
      input.onRows(listed);
      await slicer.maybeYield(input.signal);
    }
  } finally {
    clock?.leave();
  }
  // Names and sizes only for the few rows that drifted (the diff itself reads ids from the index).
  for (const row of await input.product.rowsByIds([...drifted.keys()])) drift({ row, kind: drifted.get(row.id) as StorageFindingKind });
  // Rows the listing cannot speak for get the service's own answer, one probe each (only a definitive one concludes).
  if (uncovered.length) await probeRows(input, remote, await input.product.rowsByIds(uncovered), report, drift, examined);
}

/** Probes rows by their cloud id; returns the ids of rows left unknown. `examined` receives every probed row's seenKey. */
export async function probeRows(input: AccountCheckInput, remote: ProviderRemote, rows: AsyncIterable<FileRow[]> | FileRow[], report: AccountReport, drift: (d: Drift) => void, examined?: string[]): Promise<Set<string>> {
  const chunks: AsyncIterable<FileRow[]> | FileRow[][] = Array.isArray(rows) ? [rows] : rows;
  const unknown = new Set<string>();
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += PROBE_BATCH) {
      const batch = chunk.slice(at, at + PROBE_BATCH);
      const answers = await Promise.all(batch.map((row) => remote.probe(row, input.signal)));
      batch.forEach((row, i) => {
        const answer = answers[i] as ProbeAnswer;
        if (answer.state === 'unknown') unknown.add(row.id);
        conclude(input, row, answer, report, drift);
      });
      for (const row of batch) examined?.push(seenKey(row.id, row.providerFileId));
      report.filesChecked += batch.length;
      input.onRows(batch.length);
    }
  }
  return unknown;
}

function conclude(input: AccountCheckInput, row: FileRow, answer: ProbeAnswer, report: AccountReport, drift: (d: Drift) => void): void {
  if (answer.state === 'gone') drift({ row, kind: FINDING_KINDS.orphan });
  else if (answer.state === 'trashed') drift({ row, kind: FINDING_KINDS.trashed });
  else if (answer.state === 'unknown') {
    report.unknown[answer.reason] = (report.unknown[answer.reason] ?? 0) + 1;
    // No answer now: what an earlier check concluded still stands.
    const earlier = input.previous.get(row.providerFileId);
    if (earlier) input.onCarry(earlier);
  }
}

/** Counted through the index the diff reads: cheap, and exact for the cost model. */
const countRows = (product: StorageDb, account: StorageAccount) => product.countAccountRows(account.userId, account.provider);

export function finish(report: AccountReport, patch: Partial<AccountState>, status?: AccountStatus, message?: string): AccountCheckResult {
  const unknown = Object.values(report.unknown).reduce((n, v) => n + v, 0);
  // A pass that left files unknown must not move the cursor past them: the next run would never look at them again.
  // A full pass then keeps no cursor (the next run reads in full again); a delta keeps the old one (it re-reads the same changes).
  if (unknown > 0 && 'cursor' in patch) {
    if (report.mode === 'delta') delete patch.cursor;
    else patch.cursor = null;
  }
  report.status = status ?? (unknown > 0 ? 'unknown' : report.orphans + report.trashed > 0 ? 'orphans' : 'ok');
  if (message !== undefined) report.message = message;
  else if (unknown > 0 && !report.message) report.message = `${unknown} file${unknown === 1 ? '' : 's'} could not be checked (${Object.keys(report.unknown).join(', ')}); they are not reported as orphans.`;
  return { report, patch: { ...patch, status: report.status, message: report.message } };
}
