import type { AccountReport } from './account-probe';
import { PROVIDER_LABEL, type StorageAccount } from './storage-model';

/**
 * Whether one account's check failed in this run (DESIGN §4.6), and why; null when it did not.
 * - status unknown (429/5xx/timeouts/foreign answers beyond the retries, on some files or all): a failure;
 * - a grant refused in this run, on an account not flagged before: a failure of this run;
 *   one already flagged "needs reconnect" refused again is old news, not a new failure;
 * - a refused connection (the run fails as a whole) and a provider with no connection set up
 *   (skipped by design) are not failures of the account.
 */
export function accountFailure(account: StorageAccount, report: AccountReport): string | null {
  if (report.connectionFault || report.providerUnavailable) return null;
  if (report.status === 'needs-reconnect') return account.needsReconnect ? null : (report.message ?? 'The grant was refused: the user must reconnect.');
  if (report.status === 'unknown') return report.message ?? 'The account could not be checked.';
  return null;
}

/** How a failed account is named in a result: "ada@example.com (Dropbox)". */
export const accountItem = (account: Pick<StorageAccount, 'email' | 'userId' | 'provider'>) => `${account.email ?? account.userId} (${PROVIDER_LABEL[account.provider]})`;
