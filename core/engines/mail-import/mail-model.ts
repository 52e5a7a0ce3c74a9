import type { MessageMetadata } from '../../connectors/google';

export const ENGINE_ID = 'mail-import';

/** One user the import visits, as read from the product database. */
export interface MailUser {
  userId: string;
  email: string | null;
  /** The user's Google storage account (its refresh token carries the Gmail scope); null: never connected. */
  accountId: string | null;
  /** The stored Gmail history cursor; null: no import has finished yet (a windowed full pass). */
  historyId: string | null;
  /** Whether a mail_settings row exists (the cursor can only be stored in one). */
  hasSettings: boolean;
  /** The account's needs-reconnect flag as read: cleared once this user's import works again. */
  needsReconnect: boolean;
  /** The user's own mail_settings.enabled (false without a row): a scheduled import skips the user when off. */
  importEnabled: boolean;
}

/** How one user's import went. `failed` is retried by the next run; it never fails the whole run. */
type UserOutcome = 'imported' | 'needs-reconnect' | 'no-account' | 'failed';

/** full: first pass over the window; history: a delta from the cursor; fallback: the cursor had expired (404). */
export type Pass = 'full' | 'history' | 'fallback';

export interface UserReport {
  userId: string;
  email: string | null;
  outcome: UserOutcome;
  pass: Pass | null;
  /** Rows inserted. */
  imported: number;
  /** Messages already in the product database (not fetched again). */
  skipped: number;
  /** Listed, then gone before they could be read (deleted meanwhile). */
  gone: number;
  /** The account had needs_reconnect set and this import worked: the flag was cleared. */
  reconnected?: boolean;
  message?: string;
}

/** One row of the emails entity, in the order EMAIL_COLUMNS lists. */
export interface EmailRow {
  userId: string;
  gmailMessageId: string;
  threadId: string;
  subject: string | null;
  fromAddress: string | null;
  snippet: string;
  receivedAt: string | null;
}

/** Headers asked for with format=metadata: what the emails entity keeps, and Date as a fallback for receivedAt. */
export const METADATA_HEADERS = ['Subject', 'From', 'Date'];

/**
 * Spam and trash are not mail the product shows: messages.list leaves them out, and a history pass skips a
 * message added there. A message moved out of them later ("Not spam", out of the trash) comes back through a
 * `labelRemoved` history record, never a second messageAdded (wasUnhidden; mail-passes.ts asks for both).
 */
const HIDDEN_LABELS = new Set(['SPAM', 'TRASH']);

export function isImportable(message: MessageMetadata): boolean {
  return !message.labelIds.some((label) => HIDDEN_LABELS.has(label));
}

/** Whether a label change took a message out of spam or trash: it may be importable now (read again to know). */
export function wasUnhidden(removedLabelIds: readonly string[]): boolean {
  return removedLabelIds.some((label) => HIDDEN_LABELS.has(label));
}

export function toEmailRow(userId: string, message: MessageMetadata): EmailRow {
  const header = (name: string) => Object.entries(message.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? null;
  // internalDate is when Gmail received it (epoch ms); the Date header is the sender's claim, used only when it is missing.
  const dateHeader = header('Date');
  const fromHeader = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  const receivedMs = message.internalDate > 0 ? message.internalDate : fromHeader;
  return {
    userId,
    gmailMessageId: message.id,
    threadId: message.threadId,
    subject: header('Subject'),
    fromAddress: header('From'),
    snippet: message.snippet,
    receivedAt: Number.isFinite(receivedMs) ? new Date(receivedMs).toISOString() : null,
  };
}
