import { CursorRejectedError, type GmailConnector } from '../../connectors/google';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { ConnectionFaultError, faultOf, isMissingScope } from '../../connectors/shared/fault';
import type { Clock } from '../../base/clock';
import { wasUnhidden, type MailUser, type Pass } from './mail-model';

/**
 * Which messages of one user are new: the one selection an import inserts
 * and a check reports, so the two can never disagree on it.
 */
export interface PassDeps {
  clock: Clock;
  windowDays: number;
  signal: AbortSignal;
}

/** Called once per listed page (at most 500 ids, in the order Gmail lists them). */
export type BatchHandler = (ids: readonly string[]) => Promise<void>;

/**
 * With a cursor: history.list (messageAdded) from it, so a quiet mailbox
 * costs one call. Without one, or when Gmail answers 404 for an expired
 * cursor: a windowed full pass (messages.list, 500 a page, `after:` the
 * window's start). Returns the pass taken and the cursor an import stores
 * once its rows are committed (a check stores nothing).
 */
export async function walkNewMail(gmail: GmailConnector, user: MailUser, deps: PassDeps, onBatch: BatchHandler): Promise<{ pass: Pass; cursor: string }> {
  if (user.historyId) {
    try {
      return { pass: 'history', cursor: await historyPass(gmail, user.historyId, deps, onBatch) };
    } catch (error) {
      if (!(error instanceof CursorRejectedError)) throw error;
    }
  }
  const cursor = await fullPass(gmail, deps, onBatch);
  return { pass: user.historyId ? 'fallback' : 'full', cursor };
}

async function historyPass(gmail: GmailConnector, historyId: string, deps: PassDeps, onBatch: BatchHandler): Promise<string> {
  let cursor = historyId;
  for await (const page of gmail.listHistory(cursor, deps.signal, { historyTypes: ['messageAdded', 'labelRemoved'] })) {
    // New messages, and messages taken out of spam or trash since (skipped when they were added there): each is read
    // again and imported only if it is importable now; an id already imported is inserted nothing twice.
    const ids = new Set([...page.added.map((m) => m.id), ...page.labelsRemoved.filter((c) => wasUnhidden(c.labelIds)).map((c) => c.message.id)]);
    if (ids.size) await onBatch([...ids]);
    cursor = page.historyId;
  }
  return cursor;
}

async function fullPass(gmail: GmailConnector, deps: PassDeps, onBatch: BatchHandler): Promise<string> {
  // The cursor is read before the listing: whatever arrives during the pass is in history after it (read again, never lost).
  const { historyId } = await gmail.getProfile(deps.signal);
  const after = Math.floor(deps.clock.now().getTime() / 1000) - deps.windowDays * 86_400;
  for await (const page of gmail.listMessages({ q: `after:${after}` }, deps.signal)) {
    if (page.messages.length) await onBatch(page.messages.map((m) => m.id));
  }
  return historyId;
}

/**
 * Whose fault (connectors/shared/fault.ts): the user's dead grant or missing
 * scope makes the user `needs-reconnect` (the import also sets the flag, a
 * check only says so); the connection's refused credentials throw
 * ConnectionFaultError, which fails the run and flags nobody; anything else
 * fails this user only, to be retried by the next run.
 */
export function userFailure(error: unknown, connectionName?: string): { outcome: 'needs-reconnect' | 'failed'; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const fault = faultOf(error);
  if (fault === 'connection' && isConnectorError(error)) throw new ConnectionFaultError(error, connectionName);
  if (fault === 'user') {
    const why = isMissingScope(error) ? 'The Google account was connected without the Gmail scope' : `Google refused the user's grant (${message})`;
    return { outcome: 'needs-reconnect', message: `${why}: the user must reconnect Google.` };
  }
  return { outcome: 'failed', message };
}
