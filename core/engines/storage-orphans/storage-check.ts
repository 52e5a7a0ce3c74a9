import type { Finding } from '../../api/models';
import type { NewFinding } from '../../store/findings.repo';
import type { ConnectorError } from '../../connectors/shared/connector-error';
import { TimeSlicer, yieldToEventLoop } from '../../base/cooperative';
import { inPool } from '../../base/pool';
import type { EngineContext, EngineControls } from '../engine';
import { FailedItems } from '../failed-items';
import { accountFailure, accountItem } from './account-failure';
import { checkAccount } from './account-check';
import { findingRowKey, type AccountReport, type Drift } from './account-probe';
import { DEFAULT_FULL_PASS_HOURS } from './account-pass';
import { DiffClock } from './diff-clock';
import { openListingDiffer } from './listing-diff-thread';
import { readAccount, upsertRoster, upsertRosters } from './account-state';
import { AccountWrites } from './account-writes';
import { SeenRows } from './seen-rows';
import { StorageClients } from './storage-clients';
import type { StorageDb } from './storage-db';
import { findingOf } from './storage-findings';
import { ENGINE_ID, type StorageAccount } from './storage-model';
import type { StorageOrphansParams } from './storage-params';

/**
 * Accounts checked at once: hides latency. 8 held more listings alive and the GC pauses reached ~70 ms (bench);
 * with the diffs on their own thread (listing-diff-thread.ts), 6 keeps the host's thread fed while accounts wait
 * on it, under 20 ms of event-loop delay.
 */
const ACCOUNT_CONCURRENCY = 6;

/** Roster states written per commit. */
const ROSTER_BATCH = 200;

export interface CheckOutcome {
  reports: AccountReport[];
  accounts: StorageAccount[];
  /** Findings re-emitted unchanged (earlier conclusions that still stand). */
  carried: number;
  /** Every earlier open finding of the checked accounts (duplicates included), as read: superseded unless re-emitted. */
  previous: Pick<Finding, 'id' | 'runId'>[];
  /** Rows compared with full listings, and the wall time those local diffs took. */
  localDiff: { rows: number; ms: number; onThread: number };
  /** The subjects of every finding this check added (new, found again, carried). */
  subjects: string[];
  /** Subjects of the earlier findings this check carried forward without concluding on them (no answer, a failed account). */
  unanswered: Set<string>;
  /** Accounts this check could not conclude on (account-failure.ts): the run ends `partial`. */
  failed: FailedItems;
  /** The first refused connection (invalid_client…): the run fails with its message once every account is done. */
  connectionFault?: { error: ConnectorError; connectionName: string | undefined };
}

/**
 * The check: reads the storage accounts in scope from the product database,
 * checks each (user, provider) independently with a small pool, and records
 * each account's state as soon as it is done, so a cancelled run keeps what
 * it finished.
 */
export async function runCheck(params: StorageOrphansParams, context: EngineContext, controls: EngineControls, product: StorageDb): Promise<CheckOutcome> {
  const { resources } = context;
  const { signal, progress } = controls;
  // The run's setup (parameters, the product database, the clients) ends its own turn of the event loop, and so
  // does the accounts query: in cold code, with the first roster batch, they made one turn of 110-150 ms (issue 19).
  await yieldToEventLoop();
  progress.phase('accounts', { message: 'Reading storage accounts' });
  const all = await product.accounts();
  await yieldToEventLoop();
  const slicer = new TimeSlicer();
  // In batches, one commit each: a commit per account cost more than the reads, and a batch stays a few ms.
  for (let at = 0; at < all.length; at += ROSTER_BATCH) {
    await upsertRosters(resources.state, all.slice(at, at + ROSTER_BATCH));
    await slicer.maybeYield(signal);
  }
  const accounts = selectScope(all, params);
  if (params.user && accounts.length === 0) throw new Error(`User ${params.user} has no ${params.provider ?? 'Drive or Dropbox'} storage account in the product database.`);
  // Said in every progress line, so "39 of 39" beside a roster of 48 is not a riddle (issue-18 walk).
  const leftOut = all.length - accounts.length;
  const outNote = params.user || leftOut === 0 ? '' : ` (${leftOut} with auto-sync off left out)`;
  const previous = await openFindingsByAccount(context, new Set(accounts.map((a) => key(a))), signal);
  const clients = new StorageClients(resources, product, params, context.apiCalls);
  const differ = openListingDiffer(product);

  progress.phase('check', { total: accounts.length, message: `Checking ${accounts.length} storage account${accounts.length === 1 ? '' : 's'}${outNote}` });
  const reports: AccountReport[] = [];
  const diffClock = new DiffClock();
  let carried = 0;
  let rows = 0;
  const failed = new FailedItems();
  // A provider whose connection was refused: its remaining accounts are not tried (each would fail alike), the other provider's are.
  const refused = new Map<StorageAccount['provider'], ConnectorError>();
  // Each account's seen set and state, written after its findings, a few accounts a commit (account-writes.ts).
  const writes = new AccountWrites(resources.state, context.findings);
  // The run's signal, or this check's own failure: the first account that fails the check stops the others, so
  // none goes on calling the services or recording anything once the run has ended.
  const stop = new AbortController();
  const stopWithRun = () => stop.abort(signal.reason);
  if (signal.aborted) stopWithRun();
  else signal.addEventListener('abort', stopWithRun, { once: true });
  const subjects: string[] = [];
  const unanswered = new Set<string>();
  const add = (finding: NewFinding) => (subjects.push(finding.subject), context.findings.add(finding));
  const checkOne = async (account: StorageAccount): Promise<void> => {
    stop.signal.throwIfAborted();
    const state = (await readAccount(resources.state, account.userId, account.provider)) ?? (await upsertRoster(resources.state, account));
    const write = writes.begin(account.userId, account.provider, state);
    const emit = (d: Drift) => add(findingOf(account, d));
    const { report, patch } = await checkAccount({
      account,
      state,
      product,
      diffClock,
      differ,
      remote: () => (refused.has(account.provider) ? Promise.reject(refused.get(account.provider)) : clients.remoteFor(account)),
      previous: previous.get(key(account)) ?? new Map(),
      strategy: params.strategy,
      full: params.full === true,
      seen: new SeenRows(resources.state, account.userId, account.provider, write.seenWriter),
      now: context.clock.now(),
      fullPassHours: params.fullPassHours ?? DEFAULT_FULL_PASS_HOURS,
      signal: stop.signal,
      onDrift: emit,
      onCarry: async (f, why) => {
        carried++;
        if (why === 'unanswered') unanswered.add(f.subject);
        await add({ subject: f.subject, userEmail: f.userEmail, kind: f.kind, reason: f.reason, proposedAction: f.proposedAction, ...(f.details ? { details: f.details } : {}) });
      },
      onRows: (n) => (rows += n),
    });
    await write.done({ ...patch, lastCheckAt: context.clock.now().toISOString(), lastRunId: context.runId });
    // The product's own flag: set on a refused grant, cleared once a check worked under the user's token.
    if (report.needsReconnect) await product.setNeedsReconnect(account.accountId, true);
    else if (account.needsReconnect && workedUnderUserToken(report)) await product.setNeedsReconnect(account.accountId, false);
    if (report.connectionFault && !refused.has(account.provider)) refused.set(account.provider, report.connectionFault);
    const failure = accountFailure(account, report);
    if (failure !== null) failed.add(accountItem(account), failure);
    reports.push(report);
    progress.advance(1);
    progress.update({ message: `${reports.length} of ${accounts.length} accounts, ${rows.toLocaleString('en-US')} file rows${outNote}` });
  };
  try {
    // The first failure aborts the accounts in flight; the pool rejects once they have ended.
    await inPool(accounts, ACCOUNT_CONCURRENCY, (account) =>
      checkOne(account).catch((error: unknown) => {
        stop.abort(error);
        throw error;
      }),
    );
  } catch (error) {
    // Cancelled or failed: what the accounts that finished concluded is kept, as each of them would have been on its own.
    await writes.close().catch(() => undefined);
    throw error;
  } finally {
    signal.removeEventListener('abort', stopWithRun);
    await differ.close();
  }
  await writes.close();
  const earlier = [...previous.values()].flatMap((m) => [...m.values()].flatMap((f) => (f as Finding & { duplicates?: Pick<Finding, 'id' | 'runId'>[] }).duplicates ?? [f]));
  const [fault] = refused.entries();
  const connectionFault = fault ? { error: fault[1], connectionName: await clients.connectionName(fault[0]) } : undefined;
  return { reports, accounts, carried, previous: earlier, subjects, unanswered, localDiff: { rows: diffClock.rows, ms: Math.round(diffClock.ms * 10) / 10, onThread: differ.diffsOnThread }, failed, ...(connectionFault ? { connectionFault } : {}) };
}

/**
 * Whether the check got at least one definitive answer under the user's
 * token: a completed listing or delta, or a probe that was not unknown. A
 * check whose every call failed (a token endpoint that was down, a connection
 * whose secret was refused) proves nothing about the user's grant.
 */
function workedUnderUserToken(report: AccountReport): boolean {
  if (report.mode === 'skipped' || report.status === 'needs-reconnect') return false;
  if (report.status !== 'unknown') return true;
  const unknown = Object.values(report.unknown).reduce((n, v) => n + v, 0);
  return report.filesChecked > unknown;
}

/** Every account with auto-sync on; or one user's (whatever the settings); or one provider of one user. */
function selectScope(accounts: readonly StorageAccount[], params: StorageOrphansParams): StorageAccount[] {
  if (!params.user) return accounts.filter((a) => a.autoSync);
  return accounts.filter((a) => a.userId === params.user && (!params.provider || a.provider === params.provider));
}

const key = (a: { userId: string; provider: string }) => `${a.userId}\u0000${a.provider}`;

/**
 * The open findings of earlier checks for these accounts, by account and
 * cloud file id. A file found by two checks (all, one user) appears once;
 * every copy's id is kept so all of them are superseded by this check.
 */
async function openFindingsByAccount(context: EngineContext, wanted: Set<string>, signal: AbortSignal): Promise<Map<string, Map<string, Finding>>> {
  const byAccount = new Map<string, Map<string, Finding>>();
  for await (const page of context.resources.findingsForRepairPages({ all: true }, { signal })) {
    for (const f of page) {
      if (f.engine !== ENGINE_ID) continue;
      const d = f.details ?? {};
      const k = key({ userId: String(d.userId), provider: String(d.provider) });
      if (!wanted.has(k) || typeof d.providerFileId !== 'string') continue;
      const files = byAccount.get(k) ?? new Map<string, Finding>();
      // By row (findingRowKey): only findings about the very same row (and cloud file) are duplicates.
      const row = findingRowKey(f);
      const known = files.get(row) as (Finding & { duplicates?: Pick<Finding, 'id' | 'runId'>[] }) | undefined;
      if (known) known.duplicates = [...(known.duplicates ?? [known]), f];
      else files.set(row, f);
      byAccount.set(k, files);
    }
  }
  return byAccount;
}
