import type { GmailConnector, MessageMetadata } from '../../connectors/google';
import { isConnectorError } from '../../connectors/shared/connector-error';
import type { MailDb } from './mail-db';
import { PER_USER_CONCURRENCY } from './mail-gmail';
import { isImportable, METADATA_HEADERS, toEmailRow } from './mail-model';
import { inPool } from '../../base/pool';
import { withChildSignal } from './mail-signal';

export interface BatchCounts {
  imported: number;
  skipped: number;
  gone: number;
}

/** What one batch of listed ids holds, read the way an import reads it (and a check, which must agree). */
export interface BatchRead {
  /** Ids not read: already in the product database, or (a check) already counted in an earlier batch. */
  known: number;
  /** Every message read, spam and trash included. */
  messages: MessageMetadata[];
  /** The messages an import inserts: not spam, not trash. */
  importable: MessageMetadata[];
  /** Listed, then answered 404 (deleted meanwhile). */
  gone: number;
}

/**
 * Reads one batch of listed message ids (at most one list page, 500): ids
 * already in the product database (or in `counted`: a check's ids it would
 * already have imported from an earlier page) are not fetched, the others are
 * read with format=metadata, PER_USER_CONCURRENCY at a time (only as many
 * as the connector's policy lets through, so none waits in its queue).
 * Invariant: a message deleted between the listing and the read (404) is
 * gone; any other failure throws, failing the user.
 */
export async function readBatch(
  gmail: GmailConnector,
  db: MailDb,
  userId: string,
  ids: readonly string[],
  signal: AbortSignal,
  counted?: { has(id: string): boolean },
): Promise<BatchRead> {
  const unique = [...new Set(ids)];
  const fresh = counted ? unique.filter((id) => !counted.has(id)) : unique;
  const inDb = await db.existingMessageIds(userId, fresh);
  const wanted = fresh.filter((id) => !inDb.has(id));
  // A signal of the batch's own: googleapis would otherwise leave one WeakRef per request on the user's (mail-signal.ts).
  const fetched = await withChildSignal(signal, (batchSignal) => inPool(wanted, PER_USER_CONCURRENCY, (id) => readOrGone(gmail, id, batchSignal)));
  const messages = fetched.filter((m): m is MessageMetadata => m !== null);
  return { known: unique.length - wanted.length, messages, importable: messages.filter(isImportable), gone: fetched.length - messages.length };
}

/**
 * Imports one batch (readBatch), inserted in one transaction.
 * Invariant: any failure fails the batch, and so the user, with nothing of the cursor moved.
 */
export async function importBatch(gmail: GmailConnector, db: MailDb, userId: string, ids: readonly string[], signal: AbortSignal): Promise<BatchCounts> {
  const { known, messages, importable, gone } = await readBatch(gmail, db, userId, ids, signal);
  const rows = importable.map((m) => toEmailRow(userId, m));
  const inserted = await db.insertEmails(rows);
  if (inserted < rows.length) await assertKept(db, userId, rows.map((r) => r.gmailMessageId));
  return {
    imported: inserted,
    // Already there before, or inserted meanwhile by an overlapping run (ON CONFLICT), or spam/trash.
    skipped: known + (messages.length - inserted),
    gone,
  };
}

/**
 * Fewer rows inserted than written: ON CONFLICT skipped messages an overlapping run inserted, or a product rule
 * (a trigger's RAISE(IGNORE), a BEFORE INSERT returning NULL) dropped them without an error. A dropped message
 * fails the batch, so the user's cursor does not move past it and the run is `partial` (DESIGN §4.6).
 */
async function assertKept(db: MailDb, userId: string, gmailIds: readonly string[]): Promise<void> {
  const present = await db.existingMessageIds(userId, gmailIds);
  const dropped = gmailIds.filter((id) => !present.has(id));
  if (dropped.length === 0) return;
  const named = dropped.slice(0, 3).join(', ') + (dropped.length > 3 ? ` and ${dropped.length - 3} more` : '');
  throw new Error(`The database did not keep ${dropped.length} message(s) it accepted without an error (${named}): a trigger or rule of the product dropped them.`);
}

async function readOrGone(gmail: GmailConnector, id: string, signal: AbortSignal): Promise<MessageMetadata | null> {
  try {
    return await gmail.getMessageMetadata(id, METADATA_HEADERS, signal);
  } catch (error) {
    if (isConnectorError(error, 'not-found')) return null;
    throw error;
  }
}
