import { FailedItems } from '../failed-items';
import { MAX_CHECK_USER_LINES, MAX_SAMPLED, type MailCheckResult, type MailCheckUser } from './mail-check-result';

/**
 * A check's result. Failed items follow the import's rule (mail-report.ts), so a check and an import
 * of the same world end in the same state: each failed user, and each user refused in this run whose
 * account was not flagged before (`alreadyFlagged`); a check could not say what those would import.
 */
export function summariseCheck(reports: readonly MailCheckUser[], alreadyFlagged: ReadonlySet<string>, tokensWritten: number): MailCheckResult {
  const failed = new FailedItems();
  const outcomes = { checked: 0, 'needs-reconnect': 0, 'no-account': 0, failed: 0 };
  const passes = { full: 0, history: 0, fallback: 0 };
  let wouldImport = 0;
  let skipped = 0;
  let gone = 0;
  for (const r of reports) {
    outcomes[r.outcome]++;
    if (r.pass) passes[r.pass]++;
    wouldImport += r.wouldImport;
    skipped += r.skipped;
    gone += r.gone;
    const newlyRefused = r.outcome === 'needs-reconnect' && !alreadyFlagged.has(r.userId);
    if (r.outcome === 'failed' || newlyRefused) failed.add(r.email ?? r.userId, r.message ?? 'The check of this user did not finish.');
  }
  // Users that need attention first, then those with mail to import, so a truncated list still names them.
  const rank = (r: MailCheckUser) => (r.outcome !== 'checked' ? 0 : r.wouldImport > 0 ? 1 : 2);
  const ordered = [...reports].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_CHECK_USER_LINES);
  let budget = MAX_SAMPLED;
  let samplesTruncated = false;
  const perUser = ordered.map((r) => {
    const keep = r.sample.slice(0, budget);
    budget -= keep.length;
    if (keep.length < r.sample.length) samplesTruncated = true;
    return keep.length === r.sample.length ? r : { ...r, sample: keep };
  });
  return {
    mode: 'check',
    users: reports.length,
    wouldImport,
    skipped,
    gone,
    outcomes,
    passes,
    needsReconnect: reports.filter((r) => r.outcome === 'needs-reconnect').map((r) => ({ userId: r.userId, email: r.email, provider: 'google' as const })),
    wouldReconnect: reports.filter((r) => r.outcome === 'checked' && r.flagged).length,
    tokensWritten,
    perUser,
    perUserTruncated: reports.length > MAX_CHECK_USER_LINES,
    samplesTruncated,
    ...failed.fields(),
  };
}
