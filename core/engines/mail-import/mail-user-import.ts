import type { Clock } from '../../base/clock';
import type { MailDb } from './mail-db';
import { importBatch } from './mail-fetch';
import type { GmailFactory } from './mail-gmail';
import type { MailUser, UserReport } from './mail-model';
import { userFailure, walkNewMail } from './mail-passes';
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
 * One user's import: the new mail walkNewMail selects (a history delta from
 * the cursor, or a windowed full pass) is inserted page by page. The new
 * cursor is stored only after the rows are committed.
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
  const { accountId } = user;
  if (!accountId) return { ...report, outcome: 'no-account', message: 'No Google account is connected for this user.' };
  const gmail = deps.gmailFor(accountId);
  try {
    const { pass, cursor } = await walkNewMail(gmail, user, deps, async (ids) => {
      const counts = await importBatch(gmail, deps.db, user.userId, ids, deps.signal);
      report.imported += counts.imported;
      report.skipped += counts.skipped;
      report.gone += counts.gone;
    });
    report.pass = pass;
    if (user.hasSettings) await deps.db.saveCursor(user.userId, cursor, deps.clock.now().toISOString());
    else report.message = 'The user has no mail settings row, so no history cursor was stored: the next run reads the window again.';
    // The account works again under the user's own token: the product's reconnect prompt is over.
    if (user.needsReconnect) {
      await deps.db.setNeedsReconnect(accountId, false);
      report.reconnected = true;
    }
    return report;
  } catch (error) {
    if (deps.signal.aborted) throw error;
    const failure = userFailure(error, deps.connectionName);
    // Only a fault that is the user's flags the account (the product's reconnect prompt).
    if (failure.outcome === 'needs-reconnect') await deps.db.setNeedsReconnect(accountId, true);
    return { ...report, ...failure };
  }
}
