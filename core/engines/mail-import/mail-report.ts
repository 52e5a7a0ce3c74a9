import { FailedItems, type FailedItemsFields } from '../failed-items';
import type { UserReport } from './mail-model';

/** Per-user lines kept in a run's result; the totals always cover everyone. */
const MAX_USER_LINES = 1000;

export interface MailImportResult extends Record<string, unknown>, FailedItemsFields {
  mode: 'import';
  users: number;
  imported: number;
  skipped: number;
  gone: number;
  /** Users by outcome: imported, needs-reconnect, no-account, failed. */
  outcomes: Record<UserReport['outcome'], number>;
  /** Users by pass: full (first), history (delta), fallback (expired cursor). */
  passes: Record<'full' | 'history' | 'fallback', number>;
  /** Read by the notifier from run.finished (conventions of the engines). */
  needsReconnect: Array<{ userId: string; email: string | null; provider: 'google' }>;
  /** Users whose needs_reconnect flag this run cleared (their import works again). */
  reconnected: number;
  perUser: UserReport[];
  perUserTruncated: boolean;
  /** Users a scheduled import skipped because their own import is off (mail-whose-turn.ts); not counted in `users`. */
  disabled: number;
  disabledUsers: Array<{ userId: string; email: string | null }>;
}

/**
 * The run's result. `alreadyFlagged`: users whose account was flagged "needs reconnect" before this run; one
 * refused again is old news, not a failure of this run. Every other failed or newly refused user is a failed
 * item (DESIGN §4.6: the run ends `partial`); no-account users are not (nothing to import).
 */
export function summarise(
  reports: readonly UserReport[],
  alreadyFlagged: ReadonlySet<string> = new Set(),
  disabled: ReadonlyArray<{ userId: string; email: string | null }> = [],
): MailImportResult {
  const failed = new FailedItems();
  const outcomes = { imported: 0, 'needs-reconnect': 0, 'no-account': 0, failed: 0 };
  const passes = { full: 0, history: 0, fallback: 0 };
  let imported = 0;
  let skipped = 0;
  let gone = 0;
  for (const r of reports) {
    outcomes[r.outcome]++;
    if (r.pass) passes[r.pass]++;
    imported += r.imported;
    skipped += r.skipped;
    gone += r.gone;
    const newlyRefused = r.outcome === 'needs-reconnect' && !alreadyFlagged.has(r.userId);
    if (r.outcome === 'failed' || newlyRefused) failed.add(r.email ?? r.userId, r.message ?? 'The import of this user did not finish.');
  }
  // Users that need attention first, so a truncated list still names them.
  const rank = (r: UserReport) => (r.outcome === 'imported' ? 1 : 0);
  const ordered = [...reports].sort((a, b) => rank(a) - rank(b));
  return {
    mode: 'import',
    users: reports.length,
    imported,
    skipped,
    gone,
    outcomes,
    passes,
    needsReconnect: reports.filter((r) => r.outcome === 'needs-reconnect').map((r) => ({ userId: r.userId, email: r.email, provider: 'google' as const })),
    reconnected: reports.filter((r) => r.reconnected === true).length,
    perUser: ordered.slice(0, MAX_USER_LINES),
    perUserTruncated: ordered.length > MAX_USER_LINES,
    disabled: disabled.length,
    disabledUsers: disabled.slice(0, MAX_USER_LINES).map((u) => ({ userId: u.userId, email: u.email })),
    ...failed.fields(),
  };
}
