import type { MailCheckSample, MailCheckUser } from './mail-check-result';
import { SAMPLE_PER_USER, SAMPLE_TEXT_MAX } from './mail-check-result';
import { readBatch } from './mail-fetch';
import { toEmailRow, type MailUser } from './mail-model';
import { userFailure, walkNewMail } from './mail-passes';
import { withChildSignal } from './mail-signal';
import type { UserImportDeps } from './mail-user-import';

/**
 * Ids a check remembers per user, so a message listed on two pages (history
 * can list one twice, a listing shifts when mail arrives) counts once, as the
 * import would insert it once. About 100 bytes each: 10 MB at most per user.
 */
const MAX_REMEMBERED = 100_000;

/**
 * One user's check: the same selection as the import (walkNewMail, readBatch:
 * the same pass, the same ids excluded, the same 404s, the same spam/trash
 * rule), counted instead of inserted. Nothing is written: no row, no cursor,
 * no needs_reconnect flag either way (the import sets and clears it; a check
 * that flipped it would change what the product shows from a read). Memory is
 * one page of metadata at a time, the sample and the remembered ids.
 * Invariant: with the mailbox and the database unchanged, `wouldImport` is
 * what the import started next inserts (tests/integration/mail-check.property.test.ts).
 */
export function checkUser(user: MailUser, deps: UserImportDeps): Promise<MailCheckUser> {
  // As the import: a signal of the user's own, never the run's (mail-signal.ts).
  return withChildSignal(deps.signal, (signal) => checkOneUser(user, { ...deps, signal }));
}

async function checkOneUser(user: MailUser, deps: UserImportDeps): Promise<MailCheckUser> {
  const report: MailCheckUser = { userId: user.userId, email: user.email, outcome: 'checked', pass: null, wouldImport: 0, skipped: 0, gone: 0, flagged: user.needsReconnect, sample: [] };
  if (!user.accountId) return { ...report, outcome: 'no-account', message: 'No Google account is connected for this user.' };
  const gmail = deps.gmailFor(user.accountId);
  // The import inserts a page before it reads the next, which then finds those ids in the database: a check remembers them instead.
  const counted = new Set<string>();
  try {
    const { pass } = await walkNewMail(gmail, user, deps, async (ids) => {
      const read = await readBatch(gmail, deps.db, user.userId, ids, deps.signal, counted);
      report.wouldImport += read.importable.length;
      report.skipped += read.known + (read.messages.length - read.importable.length);
      report.gone += read.gone;
      for (const message of read.importable) {
        if (counted.size < MAX_REMEMBERED) counted.add(message.id);
        else report.upperBound = true;
        if (report.sample.length < SAMPLE_PER_USER) report.sample.push(sampleOf(toEmailRow(user.userId, message)));
      }
    });
    report.pass = pass;
    if (!user.hasSettings) report.message = 'The user has no mail settings row: an import would store no history cursor and read the window again next time.';
    return report;
  } catch (error) {
    if (deps.signal.aborted) throw error;
    return { ...report, ...userFailure(error, deps.connectionName) };
  }
}

function sampleOf(row: ReturnType<typeof toEmailRow>): MailCheckSample {
  return { id: row.gmailMessageId, threadId: row.threadId, subject: cut(row.subject), from: cut(row.fromAddress), date: row.receivedAt };
}

const cut = (text: string | null) => (text === null || text.length <= SAMPLE_TEXT_MAX ? text : `${text.slice(0, SAMPLE_TEXT_MAX - 1)}…`);
