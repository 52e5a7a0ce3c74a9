import type { AppDbAdapter } from '../../appdb/adapter';
import type { ResolvedMapping } from '../../appdb/mapping';
import { StorageAccountTokenStore } from '../../appdb/storage-account-tokens';
import { GmailConnector, type GoogleConnectorOptions } from '../../connectors/google';
import type { OAuthTokenStore } from '../../connectors/shared/oauth-tokens';
import type { ApiCallCounter } from '../../runs/api-calls';
import type { ResolvedConnection } from '../engine-resources';

/**
 * Requests in flight per user: Gmail allows about 250 quota units a second per
 * user and messages.get costs 5, so about 50 reads a second; 8 in flight at a
 * typical 150 ms each stays just under that.
 */
export const PER_USER_CONCURRENCY = 8;

/**
 * Gmail connectors, one per user: the Google connection gives the OAuth
 * client (its secret from the keychain) and the user's storage-accounts row
 * the refresh token, a refreshed token being written back there, so no user
 * token ever lands in the console store.
 * Quotas: a 429 or 403 rateLimitExceeded waits (Retry-After honoured, up to a
 * minute, exponential backoff with jitter) and resumes; only when a user's
 * retries run out does that user fail, and the run goes on with the others.
 */
export type GmailFactory = (accountId: string) => GmailConnector;

export function gmailFactory(
  connection: ResolvedConnection,
  app: { db: AppDbAdapter; mapping: ResolvedMapping },
  apiCalls: ApiCallCounter,
  policy: GoogleConnectorOptions['policy'] = {},
  /** Where each user's tokens are read and written: the storage-accounts row (a check narrows the writes, mail-check-tokens.ts). */
  tokensFor: (accountId: string) => OAuthTokenStore = (accountId) => new StorageAccountTokenStore(app.db, app.mapping, accountId),
): GmailFactory {
  const clientId = typeof connection.config.clientId === 'string' ? connection.config.clientId : '';
  const clientSecret = connection.secrets.clientSecret;
  if (!clientId || !clientSecret) {
    throw new Error(`The Google connection “${connection.name}” has no OAuth client id or secret: complete it on the Connections page.`);
  }
  return (accountId) =>
    new GmailConnector({
      clientId,
      clientSecret,
      ...(typeof connection.config.rootUrl === 'string' ? { rootUrl: connection.config.rootUrl } : {}),
      ...(typeof connection.config.tokenUrl === 'string' ? { tokenUrl: connection.config.tokenUrl } : {}),
      tokens: tokensFor(accountId),
      policy: { concurrency: PER_USER_CONCURRENCY, maxAttempts: 8, maxDelayMs: 60_000, ...policy },
      onRequest: () => apiCalls.record('gmail'),
    });
}
