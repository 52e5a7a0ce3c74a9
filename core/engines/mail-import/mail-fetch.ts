import type { GmailConnector, MessageMetadata } from '../../connectors/google';
import { isConnectorError } from '../../connectors/shared/connector-error';
import type { MailDb } from './mail-db';
import { PER_USER_CONCURRENCY } from './mail-gmail';
import { isImportable, METADATA_HEADERS, toEmailRow } from './mail-model';
import { inPool } from './mail-pool';
import { withChildSignal } from './mail-signal';

export interface BatchCounts {
  imported: number;
  skipped: number;
  gone: number;
}

/**
 * Imports one batch of listed message ids (at most one list page, 500):
 * ids already in the product database are not fetched again, the others are
 * read with format=metadata, PER_USER_CONCURRENCY at a time (only as many
 * as the connector's policy lets through, so none waits in its queue), and
 * inserted in one transaction.
 * Invariant: a message deleted between the listing and the read (404) is
 * skipped; any other failure fails the batch, and so the user, with nothing
 * of the cursor moved.
 */
export async function importBatch(gmail: GmailConnector, db: MailDb, userId: string, ids: readonly string[], signal: AbortSignal): Promise<BatchCounts> {
  const unique = [...new Set(ids)];
  const known = await db.existingMessageIds(userId, unique);
  const wanted = unique.filter((id) => !known.has(id));
  // A signal of the batch's own: googleapis would otherwise leave one WeakRef per request on the user's (mail-signal.ts).
  const fetched = await withChildSignal(signal, (batchSignal) => inPool(wanted, PER_USER_CONCURRENCY, (id) => readOrGone(gmail, id, batchSignal)));
  const messages = fetched.filter((m): m is MessageMetadata => m !== null);
  const rows = messages.filter(isImportable).map((m) => toEmailRow(userId, m));
  const inserted = await db.insertEmails(rows);
  return {
    imported: inserted,
    // Already there before, or inserted meanwhile by an overlapping run (ON CONFLICT), or spam/trash.
    skipped: known.size + (messages.length - inserted),
    gone: fetched.length - messages.length,
  };
}

async function readOrGone(gmail: GmailConnector, id: string, signal: AbortSignal): Promise<MessageMetadata | null> {
  try {
    return await gmail.getMessageMetadata(id, METADATA_HEADERS, signal);
  } catch (error) {
    if (isConnectorError(error, 'not-found')) return null;
    throw error;
  }
}
