import { z } from 'zod';

/**
 * The result of a mail-import `check`: what an import started now would bring
 * in, per user and in total, with a bounded sample of the messages. Every
 * size is bounded whatever the mailboxes hold (counts are exact, samples and
 * lines are capped), so a check of 10,000 users keeps a small result.
 */

/** Messages sampled per user: the first ones the import would insert, in the order Gmail lists them. */
export const SAMPLE_PER_USER = 5;
/** Sampled messages in the whole result: later user lines keep their counts and drop their sample. */
export const MAX_SAMPLED = 250;
/** Per-user lines kept; the totals always cover everyone (as an import's result). */
export const MAX_CHECK_USER_LINES = 1000;
/** Subjects and senders are cut to this many characters in a sample (hostile mail can carry megabytes). */
export const SAMPLE_TEXT_MAX = 200;

const count = z.number().int().min(0);

/** One message the import would insert, as it would be stored (mail-model.ts toEmailRow). */
export const MailCheckSample = z.object({
  id: z.string(),
  threadId: z.string(),
  subject: z.string().max(SAMPLE_TEXT_MAX).nullable(),
  from: z.string().max(SAMPLE_TEXT_MAX).nullable(),
  /** receivedAt as the import stores it (Gmail's internalDate, else the Date header), ISO 8601. */
  date: z.string().nullable(),
});
export type MailCheckSample = z.infer<typeof MailCheckSample>;

export const MailCheckOutcome = z.enum(['checked', 'needs-reconnect', 'no-account', 'failed']);
export type MailCheckOutcome = z.infer<typeof MailCheckOutcome>;
export const MailPass = z.enum(['full', 'history', 'fallback']);

export const MailCheckUser = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  outcome: MailCheckOutcome,
  /** The pass an import would take: full (no cursor yet), history (a delta), fallback (the cursor expired). */
  pass: MailPass.nullable(),
  /** Messages the import would insert. */
  wouldImport: count,
  /** Listed but not inserted: already in the product database, or spam/trash. */
  skipped: count,
  /** Listed, then gone before they could be read. */
  gone: count,
  /** The account's needs_reconnect flag as read; a check never changes it. */
  flagged: z.boolean(),
  sample: z.array(MailCheckSample).max(SAMPLE_PER_USER),
  /**
   * Over 100,000 new messages: ids past that are no longer remembered, so a message Gmail listed
   * twice would be counted twice; `wouldImport` is then an upper bound.
   */
  upperBound: z.literal(true).optional(),
  message: z.string().optional(),
});
export type MailCheckUser = z.infer<typeof MailCheckUser>;

export const MailCheckResult = z.object({
  mode: z.literal('check'),
  users: count,
  wouldImport: count,
  skipped: count,
  gone: count,
  outcomes: z.object({ checked: count, 'needs-reconnect': count, 'no-account': count, failed: count }),
  passes: z.object({ full: count, history: count, fallback: count }),
  /** As an import reports them (the notifier reads it); the check itself flags nobody. */
  needsReconnect: z.array(z.object({ userId: z.string(), email: z.string().nullable(), provider: z.literal('google') })),
  /** Flagged users whose check worked: the import would clear their flag. */
  wouldReconnect: count,
  /** Rotated refresh tokens written back (the only write a check makes, mail-check-tokens.ts). */
  tokensWritten: count,
  perUser: z.array(MailCheckUser).max(MAX_CHECK_USER_LINES),
  perUserTruncated: z.boolean(),
  /** Some user lines dropped their sample to keep the result small (MAX_SAMPLED). */
  samplesTruncated: z.boolean(),
  itemsFailed: count,
  failedItems: z.array(z.object({ item: z.string(), reason: z.string() })).max(50).optional(),
  failedItemsTruncated: z.literal(true).optional(),
});
export type MailCheckResult = z.infer<typeof MailCheckResult>;
