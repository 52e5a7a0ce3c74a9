import { StorageAccountTokenStore } from '../../appdb/storage-account-tokens';
import { DropboxConnector } from '../../connectors/dropbox/dropbox.connector';
import { DriveConnector } from '../../connectors/google/drive.connector';
import { createServicePolicy, type ServicePolicy } from '../../connectors/shared/service-policy';
import { DROPBOX } from '../../connectors/dropbox/dropbox-fetch';
import type { ApiCallCounter } from '../../runs/api-calls';
import { NoConnectionError, type EngineResources, type ResolvedConnection } from '../engine-resources';
import { DriveRemote } from './drive-remote';
import { DropboxRemote } from './dropbox-remote';
import type { ProviderRemote } from './remote-view';
import type { StorageDb } from './storage-db';
import { PROVIDER_LABEL, SERVICE_OF, type StorageAccount } from './storage-model';
import type { StorageOrphansParams } from './storage-params';

/** Bounded retries: a file that stays rate-limited is reported unknown rather than holding the run for minutes. */
const RETRY = { maxAttempts: 4, initialDelayMs: 200, maxDelayMs: 8_000 };

/** A provider that cannot be used at all (no connection set up): its accounts are skipped, never failed. */
export class ProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}

/**
 * Builds one user's Drive or Dropbox client from the console's connection
 * (the OAuth app: client id and secret from the keychain) and the user's own
 * tokens in the product's storage_accounts row, refreshed tokens written
 * back there (so no user token ever lands in the console store).
 */
export class StorageClients {
  private readonly connections = new Map<string, Promise<ResolvedConnection>>();
  /** One Dropbox policy for every user: its bulkhead caps the whole service. */
  private dropboxPolicy: ServicePolicy | undefined;

  constructor(
    private readonly resources: EngineResources,
    private readonly product: StorageDb,
    private readonly params: StorageOrphansParams,
    private readonly apiCalls: ApiCallCounter,
  ) {}

  async remoteFor(account: StorageAccount): Promise<ProviderRemote> {
    const tokens = new StorageAccountTokenStore(this.product.db, this.product.mapping, account.accountId);
    const onRequest = () => this.apiCalls.record(SERVICE_OF[account.provider]);
    if (account.provider === 'google') {
      const c = await this.connection('google', this.params.googleConnection);
      const clientId = typeof c.config.clientId === 'string' ? c.config.clientId : '';
      const clientSecret = c.secrets.clientSecret;
      if (!clientId || !clientSecret) throw new Error(`The Google connection “${c.name}” has no OAuth client id or secret: complete it on the Connections page.`);
      return new DriveRemote(
        new DriveConnector({
          clientId,
          clientSecret,
          ...(typeof c.config.rootUrl === 'string' ? { rootUrl: c.config.rootUrl } : {}),
          ...(typeof c.config.tokenUrl === 'string' ? { tokenUrl: c.config.tokenUrl } : {}),
          tokens,
          timeoutMs: 30_000,
          policy: { concurrency: 4, ...RETRY },
          onRequest,
        }),
      );
    }
    const c = await this.connection('dropbox', this.params.dropboxConnection);
    const appKey = typeof c.config.appKey === 'string' ? c.config.appKey : '';
    const appSecret = c.secrets.appSecret;
    if (!appKey || !appSecret) throw new Error(`The Dropbox connection “${c.name}” has no app key or secret: complete it on the Connections page.`);
    this.dropboxPolicy ??= createServicePolicy({ service: DROPBOX, concurrency: 8, ...RETRY, onRequest });
    return new DropboxRemote(
      new DropboxConnector({ appKey, appSecret, tokens, ...(typeof c.config.baseUrl === 'string' ? { baseUrl: c.config.baseUrl } : {}), timeoutMs: 30_000, policy: this.dropboxPolicy }),
    );
  }

  /** The name of the connection a provider's accounts used (for a refused connection's message); undefined if none resolved. */
  async connectionName(kind: 'google' | 'dropbox'): Promise<string | undefined> {
    const found = this.connections.get(kind);
    return found ? (await found.catch(() => undefined))?.name : undefined;
  }

  private connection(kind: 'google' | 'dropbox', name: string | undefined): Promise<ResolvedConnection> {
    let found = this.connections.get(kind);
    if (!found) {
      found = this.resources.connection(kind, name).catch((error: unknown) => {
        const hint = kind === 'google' ? 'googleConnection' : 'dropboxConnection';
        const message = `${PROVIDER_LABEL[kind === 'google' ? 'google' : 'dropbox']}: ${(error as Error).message}${/choose one by name/.test((error as Error).message) ? ` (run param ${hint})` : ''}`;
        // Only a provider with no connection at all is skipped by design; an ambiguous or misnamed choice, or secrets
        // that cannot be read, leave its accounts unchecked: each is a failed item (DESIGN §4.6), never a silent skip.
        throw error instanceof NoConnectionError ? new ProviderUnavailableError(message) : new Error(message, { cause: error });
      });
      this.connections.set(kind, found);
    }
    return found;
  }
}
