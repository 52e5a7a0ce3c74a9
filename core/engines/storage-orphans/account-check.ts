import { isConnectorError } from '../../connectors/shared/connector-error';
import { connectionFaultMessage, faultOf } from '../../connectors/shared/fault';
import { TimeSlicer } from '../../base/cooperative';
import { deltaPass } from './account-delta';
import { Conclusions, findingRowKey, finish, keptCursor, probeRows, type AccountCheckInput, type AccountCheckResult, type AccountReport, type Drift } from './account-probe';
import { fullPassCost, planPass, rowsWorthCounting } from './account-pass';
import { ProviderUnavailableError } from './storage-clients';
import type { SeenRowKey } from './storage-db';
import { listingSets } from './listing-diff';
import { seenKey } from './seen-rows';
import { FINDING_KINDS, subjectOf } from './storage-model';
import type { FullListing, ProviderRemote } from './remote-view';

/**
 * Checks one provider of one user. Every failure is contained here: a
 * revoked grant marks needs-reconnect, anything else leaves the account
 * unknown, and in both cases the earlier findings are carried forward, never
 * dropped and never turned into new orphans (DESIGN §4.1).
 */
export async function checkAccount(checked: AccountCheckInput): Promise<AccountCheckResult> {
  const conclusions = new Conclusions();
  const input: AccountCheckInput = {
    ...checked,
    conclusions,
    onCarry: async (finding, why) => {
      conclusions.row(findingRowKey(finding), finding.subject);
      await checked.onCarry(finding, why);
    },
  };
  const { account, state } = input;
  const report: AccountReport = { userId: account.userId, email: account.email, provider: account.provider, mode: 'skipped', pass: null, passReason: null, filesChecked: 0, orphans: 0, trashed: 0, unknown: {}, status: 'ok', message: null };
  const drift = async (d: Drift) => {
    conclusions.row(seenKey(d.row.id, d.row.providerFileId), subjectOf(d.row.id));
    if (d.kind === FINDING_KINDS.orphan) report.orphans++;
    else report.trashed++;
    await input.onDrift(d);
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
    return await fullPass(input, remote, report, drift, seen);
  } catch (error) {
    input.signal.throwIfAborted();
    // What this check concluded before it failed stands; the earlier findings it did not conclude on are carried
    // (counted as carried, not as this check's orphans: the account's outcome is unknown).
    for (const finding of input.previous.values()) if (!conclusions.settles(finding)) await input.onCarry(finding, 'unanswered');
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
async function fullPass(input: AccountCheckInput, remote: ProviderRemote, report: AccountReport, drift: (d: Drift) => Promise<void>, seen: ReadonlySet<string> | undefined): Promise<AccountCheckResult> {
  const { account, state, product } = input;
  const rows = await product.countAccountRows(account.userId, account.provider, rowsWorthCounting(state.remoteFiles, account.provider));
  const { probe, keepCursor, cursorBeforeProbes } = fullPassCost(rows, state.remoteFiles, account.provider, input.strategy);
  const examined: string[] = [];
  // Every full pass re-bases: what it examined is what the next delta counts as seen (not written again when it is
  // the set loaded: each row's key is in examined once); renames are known afresh.
  const full = { lastFullAt: input.now.toISOString(), ...(account.provider === 'dropbox' ? { paths: {} } : {}) };
  const probeAll = async () => {
    report.mode = 'probe';
    // Taken before the probes, so a change made while probing is in the next delta.
    const cursor = cursorBeforeProbes ? await remote.startCursor(input.signal) : null;
    await probeRows(input, remote, product.accountRows(account.userId, account.provider), report, drift, examined);
    await keepSeen(input, keptCursor(report, cursor), examined, seen);
    return finish(report, { files: report.filesChecked, cursor, ...full });
  };
  if (probe) return probeAll();
  report.mode = 'list';
  let listing: FullListing;
  try {
    listing = await remote.list(keepCursor, input.signal);
    input.conclusions?.aliveIn(listing.present);
  } catch (error) {
    // Some accounts' listings always come back incompleteSearch (Drive could not search every corpus): the listing
    // proves nothing, on every run. Rather than leave the account unknown for ever, `auto` asks about each row
    // (Drive's own answer per file). Nothing of the listing was diffed, so nothing is concluded twice.
    if (input.strategy !== 'auto' || !isConnectorError(error) || error.reason !== 'incompleteSearch') throw error;
    report.message = `${account.provider === 'google' ? 'Drive' : 'The service'} could not list every file of this account (incompleteSearch), so each row was asked about instead (one call a row).`;
    return probeAll();
  }
  await diffListing(input, remote, listing, report, drift, examined);
  await keepSeen(input, keptCursor(report, listing.cursor), examined, seen);
  return finish(report, { files: report.filesChecked, remoteFiles: listing.remoteFiles, cursor: listing.cursor, ...full });
}

/**
 * What a full pass examined is what the next delta counts as seen. A pass that keeps no cursor (`cursor`: the one
 * finish() keeps, none when files were left unknown) has no next delta (planPass: `no cursor kept`), so it keeps no
 * set, and drops one an earlier pass kept (a load would read it for nothing): its diff built no keys
 * (ListingSets.seenKeys) unless the listing took a cursor that unknown files then voided.
 */
async function keepSeen(input: AccountCheckInput, cursor: string | null, examined: readonly string[], seen: ReadonlySet<string> | undefined): Promise<void> {
  if (cursor === null) await input.seen.forget();
  else await input.seen.save(examined, seen);
}

async function diffListing(input: AccountCheckInput, remote: ProviderRemote, listing: FullListing, report: AccountReport, drift: (d: Drift) => Promise<void>, examined: string[]): Promise<void> {
  const slicer = new TimeSlicer();
  const clock = input.diffClock;
  clock?.enter();
  const drifted: Drift[] = [];
  const uncovered: SeenRowKey[] = [];
  try {
    for await (const chunk of input.differ.chunks(input.account.userId, input.account.provider, listingSets(listing), input.signal)) {
      for (const key of chunk.examined) examined.push(key);
      for (const d of chunk.driftedRows) drifted.push(d);
      for (const [id, pid] of chunk.uncovered) uncovered.push({ id, pid });
      report.filesChecked += chunk.listed;
      if (clock) clock.rows += chunk.listed;
      input.onRows(chunk.listed);
      await slicer.maybeYield(input.signal);
    }
  } finally {
    clock?.leave();
  }
  // Names and sizes only for the few rows that drifted, read by the differ after each chunk (the diff reads ids from the index).
  for (const d of drifted) await drift(d);
  // Rows the listing cannot speak for get the service's own answer, one probe each (only a definitive one concludes).
  if (uncovered.length) await probeRows(input, remote, await input.product.accountRowsByKeys(input.account.userId, input.account.provider, uncovered), report, drift, examined);
}

