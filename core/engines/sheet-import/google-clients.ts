import type { SheetSourceSpec } from '../../api/sheets';
import type { AppDbAdapter } from '../../appdb/adapter';
import type { ResolvedMapping } from '../../appdb/mapping';
import { StorageAccountTokenStore } from '../../appdb/storage-account-tokens';
import { DriveConnector, SheetsConnector, type GoogleConnectorOptions } from '../../connectors/google';
import { parseServiceAccountKey } from '../../connectors/google/service-account-auth';
import { InMemoryTokenStore, type OAuthTokens, type OAuthTokenStore } from '../../connectors/shared/oauth-tokens';
import type { ApiCallCounter } from '../../runs/api-calls';
import type { ResolvedConnection } from '../engine-resources';
import type { Deadlines } from './deadlines';

/**
 * The Sheets and Drive connectors of one import. Credentials: the Google
 * connection gives the OAuth client (its secret from the keychain), and the
 * source's storage account row in the product database gives the refresh
 * token, refreshed tokens being written back there, so no token ever lands
 * in the console store; or the connection's own account (credentialsOf).
 * Sheets allows 60 reads a minute per user: a 429 waits (Retry-After, up to
 * a minute) and resumes, and the wait does not count against the connect
 * timeout (the watchdog is extended by it).
 */
export interface GoogleClients {
  sheets: SheetsConnector;
  drive: DriveConnector;
}

export function googleClients(
  connection: ResolvedConnection,
  app: { db: AppDbAdapter; mapping: ResolvedMapping },
  spec: SheetSourceSpec,
  deadlines: Deadlines,
  apiCalls: ApiCallCounter,
): GoogleClients {
  const base: Omit<GoogleConnectorOptions, 'onRequest'> = {
    ...credentialsOf(connection, app, spec),
    ...(typeof connection.config.rootUrl === 'string' ? { rootUrl: connection.config.rootUrl } : {}),
    ...(typeof connection.config.tokenUrl === 'string' ? { tokenUrl: connection.config.tokenUrl } : {}),
    // Only a backstop: the import's own deadlines (connect, idle, total) are tighter and reported by name.
    timeoutMs: spec.timeouts.totalMs,
    policy: { maxAttempts: 8, maxDelayMs: 65_000, onRetry: ({ delayMs }) => deadlines.arm('connect', delayMs) },
  };
  return {
    sheets: new SheetsConnector({ ...base, onRequest: () => apiCalls.record('google-sheets') }),
    drive: new DriveConnector({ ...base, onRequest: () => apiCalls.record('google-drive') }),
  };
}

/** Read-only scopes a service account asks for (Drive for the CSV export and file checks). */
const SERVICE_ACCOUNT_SCOPES = ['https://www.googleapis.com/auth/spreadsheets.readonly', 'https://www.googleapis.com/auth/drive.readonly'];

/**
 * Whose credentials read the sheet (the source's `credentials`): a product
 * user's storage account; or the connection's own, the admin's connected
 * account first (Connect), else its service account. The admin's tokens stay
 * in the secret store: a refreshed access token lives for this import only.
 */
function credentialsOf(connection: ResolvedConnection, app: { db: AppDbAdapter; mapping: ResolvedMapping }, spec: SheetSourceSpec): Pick<GoogleConnectorOptions, 'clientId' | 'clientSecret' | 'tokens' | 'serviceAccount'> {
  const clientId = typeof connection.config.clientId === 'string' ? connection.config.clientId : '';
  const clientSecret = connection.secrets.clientSecret ?? '';
  const { refreshToken, serviceAccountJson } = connection.secrets;
  if (spec.credentials === 'connection' && !refreshToken && serviceAccountJson) {
    const noUser = new InMemoryTokenStore({ accessToken: null, refreshToken: null, expiresAt: null });
    return { clientId, clientSecret, tokens: noUser, serviceAccount: { key: parseServiceAccountKey(serviceAccountJson), scopes: SERVICE_ACCOUNT_SCOPES } };
  }
  if (!clientId || !clientSecret) {
    throw new Error(`The Google connection “${connection.name}” has no OAuth client id or secret: complete it on the Connections page.`);
  }
  if (spec.credentials === 'connection') {
    if (!refreshToken) throw new Error(`The Google connection “${connection.name}” has no connected account and no service account: press Connect on the Connections page, or add a service account key.`);
    return { clientId, clientSecret, tokens: new InMemoryTokenStore({ accessToken: null, refreshToken, expiresAt: null }) };
  }
  return { clientId, clientSecret, tokens: new ExplainedTokenStore(new StorageAccountTokenStore(app.db, app.mapping, spec.storageAccountId), spec.storageAccountId) };
}

/** A missing storage account says which source setting to fix. */
class ExplainedTokenStore implements OAuthTokenStore {
  constructor(
    private readonly inner: OAuthTokenStore,
    private readonly accountId: string,
  ) {}

  async load(): Promise<OAuthTokens> {
    try {
      return await this.inner.load();
    } catch (error) {
      throw new Error(`The storage account “${this.accountId}” is not in the product database: fix the storage account of this source. (${(error as Error).message})`, { cause: error });
    }
  }

  save(tokens: OAuthTokens): Promise<void> {
    return this.inner.save(tokens);
  }
}
