import { CursorRejectedError, type GmailConnector } from '../../connectors/google';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { ConnectionFaultError, faultOf, isMissingScope } from '../../connectors/shared/fault';
import type { Clock } from '../../base/clock';
import type { MailDb } from './mail-db';
import { importBatch, type BatchCounts } from './mail-fetch';
import type { GmailFactory } from './mail-gmail';
import type { MailUser, UserReport } from './mail-model';
import { withChildSignal } from './mail-signal';

export interface UserImportDeps {
  db: MailDb;
  gmailFor: GmailFactory;
  clock: Clock;
  windowDays: number;
  signal: AbortSignal;
  /** The Google connection's name, for the message of a run failed by its credentials. */
  connectionName?: string;
}

/**
 * One user's import. With a cursor: history.list (messageAdded) from it, so
 * a quiet mailbox costs one call. Without one, or when Gmail answers 404 for
 * an expired cursor: a windowed full pass (messages.list, 500 a page,
 * `after:` the window's start). The new cursor is stored only after the
 * rows are committed.
 * Invariants: one user's failure (revoked grant, quota exhausted, outage) is
 * that user's outcome, never the run's. Only a cancel and a fault of the
 * connection itself (faultOf → `connection`: invalid_client…) propagate, the
 * latter as ConnectionFaultError, which fails the run and flags nobody. Only
 * a fault that is the user's sets needs_reconnect; a successful import clears it.
 */
export function importUser(user: MailUser, deps: UserImportDeps): Promise<UserReport> {
  // The user's calls get a signal of their own, never the run's, which lives for the whole run (mail-signal.ts).
  return withChildSignal(deps.signal, (signal) => importOneUser(user, { ...deps, signal }));
}

async function importOneUser(user: MailUser, deps: UserImportDeps): Promise<UserReport> {
  const report: UserReport = { userId: user.userId, email: user.email, outcome: 'imported', pass: null, imported: 0, skipped: 0, gone: 0 };
  if (!user.accountId) return { ...report, outcome: 'no-account', message: 'No Google account is connected for this user.' };
  const gmail = deps.gmailFor(user.accountId);
  const add = (counts: BatchCounts) => {
    report.imported += counts.imported;
    report.skipped += counts.skipped;
    report.gone += counts.gone;
  };
  try {
    let cursor: string | null = null;
    if (user.historyId) {
      try {
        cursor = await historyPass(gmail, user, deps, add);
        report.pass = 'history';
      } catch (error) {
        if (!(error instanceof CursorRejectedError)) throw error;
        report.pass = 'fallback';
      }
    }
    if (cursor === null) {
      cursor = await fullPass(gmail, user, deps, add);
      report.pass ??= 'full';
    }
    if (user.hasSettings) await deps.db.saveCursor(user.userId, cursor, deps.clock.now().toISOString());
    else report.message = 'The user has no mail settings row, so no history cursor was stored: the next run reads the window again.';
    // The account works again under the user's own token: the product's reconnect prompt is over.
    if (user.needsReconnect) {
      await deps.db.setNeedsReconnect(user.accountId, false);
      report.reconnected = true;
    }
    return report;
  } catch (error) {
    if (deps.signal.aborted) throw error;
    return failed(report, user.accountId, error, deps);
  }
}

async function historyPass(gmail: GmailConnector, user: MailUser, deps: UserImportDeps, add: (c: BatchCounts) => void): Promise<string> {
  let cursor = user.historyId as string;
  for await (const page of gmail.listHistory(cursor, deps.signal, { historyTypes: ['messageAdded'] })) {
    if (page.added.length) add(await importBatch(gmail, deps.db, user.userId, page.added.map((m) => m.id), deps.signal));
    cursor = page.historyId;
  }
  return cursor;
}

async function fullPass(gmail: GmailConnector, user: MailUser, deps: UserImportDeps, add: (c: BatchCounts) => void): Promise<string> {
  // The cursor is read before the listing: whatever arrives during the pass is in history after it (read again, never lost).
  const { historyId } = await gmail.getProfile(deps.signal);
  const after = Math.floor(deps.clock.now().getTime() / 1000) - deps.windowDays * 86_400;
  for await (const page of gmail.listMessages({ q: `after:${after}` }, deps.signal)) {
    if (page.messages.length) add(await importBatch(gmail, deps.db, user.userId, page.messages.map((m) => m.id), deps.signal));
  }
  return historyId;
}

/**
 * Whose fault (connectors/shared/fault.ts): the user's dead grant or missing
 * scope flags that user (the product shows its reconnect prompt); the
 * connection's refused credentials fail the run and flag nobody; anything
 * else fails this user only, to be retried by the next run.
 */
async function failed(report: UserReport, accountId: string, error: unknown, deps: UserImportDeps): Promise<UserReport> {
  const message = error instanceof Error ? error.message : String(error);
  const fault = faultOf(error);
  if (fault === 'connection' && isConnectorError(error)) throw new ConnectionFaultError(error, deps.connectionName);
  if (fault === 'user') {
    await deps.db.setNeedsReconnect(accountId, true);
    const why = isMissingScope(error) ? 'The Google account was connected without the Gmail scope' : `Google refused the user's grant (${message})`;
    return { ...report, outcome: 'needs-reconnect', message: `${why}: the user must reconnect Google.` };
  }
  return { ...report, outcome: 'failed', message };
}
