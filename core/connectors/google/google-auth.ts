import { OAuth2, type Credentials, type OAuth2Client } from './googleapis-lite';
import { ConnectorError } from '../shared/connector-error';
import type { OAuthTokens, OAuthTokenStore } from '../shared/oauth-tokens';
import type { ServicePolicy } from '../shared/service-policy';
import { mapGoogleError } from './google-errors';

/**
 * One user's Google tokens. The access token is refreshed here, never inside
 * google-auth-library: the client that sends API calls holds only the access
 * token (no refresh token, no expiry), so the library can neither refresh on
 * its own nor silently repeat a 401/403 (api-facts §0.2). Token requests run
 * through the service policy, so they are retried and counted like any call.
 */
/** Refresh this long before Google's expiry, so no request leaves with a dying token. */
const EXPIRY_SKEW_MS = 60_000;

export interface GoogleAuthOptions {
  clientId: string;
  clientSecret: string;
  tokenUrl?: string;
  tokens: OAuthTokenStore;
  timeoutMs: number;
}

export class GoogleAuth {
  /** The auth client handed to googleapis for API calls. */
  readonly client: OAuth2Client;
  private readonly refresher: OAuth2Client;
  private current: OAuthTokens | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(
    private readonly options: GoogleAuthOptions,
    private readonly service: string,
  ) {
    const clientOptions = {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      ...(options.tokenUrl ? { endpoints: { oauth2TokenUrl: options.tokenUrl } } : {}),
      // The library asks for retries on token calls (RETRY_CONFIG); zero them so the policy alone retries.
      transporterOptions: { timeout: options.timeoutMs, retryConfig: { retry: 0, noResponseRetries: 0 } },
    };
    this.client = new OAuth2(clientOptions);
    this.refresher = new OAuth2(clientOptions);
  }

  /** The access token to send now: the stored one while it is valid, else a refreshed one. */
  async accessToken(policy: ServicePolicy, signal?: AbortSignal): Promise<string> {
    const tokens = this.current ?? (this.current = await this.options.tokens.load());
    if (tokens.accessToken && isFresh(tokens)) return this.use(tokens.accessToken);
    return this.refresh(policy, signal);
  }

  /**
   * After a 401 for `rejected`: take a newer token someone else saved (the
   * product refreshes too), otherwise refresh once.
   */
  async recover(rejected: string, policy: ServicePolicy, signal?: AbortSignal): Promise<string> {
    const stored = await this.options.tokens.load();
    this.current = stored;
    if (stored.accessToken && stored.accessToken !== rejected && isFresh(stored)) return this.use(stored.accessToken);
    return this.refresh(policy, signal);
  }

  private use(accessToken: string): string {
    if (this.client.credentials.access_token !== accessToken) this.client.setCredentials({ access_token: accessToken });
    return accessToken;
  }

  /** Single flight: concurrent calls that find the token expired share one token request. */
  private refresh(policy: ServicePolicy, signal?: AbortSignal): Promise<string> {
    this.refreshing ??= policy.execute(() => this.requestToken(), signal).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async requestToken(): Promise<string> {
    const refreshToken = this.current?.refreshToken;
    if (!refreshToken) throw new ConnectorError('token-revoked', this.service, 'no refresh token is stored: the user must reconnect');
    this.refresher.setCredentials({ refresh_token: refreshToken });
    let credentials: Credentials;
    try {
      ({ credentials } = await this.refresher.refreshAccessToken());
    } catch (error) {
      throw mapGoogleError(error, this.service, 'token');
    }
    const accessToken = credentials.access_token;
    if (!accessToken) throw new ConnectorError('unavailable', this.service, 'the token endpoint returned no access token');
    const next: OAuthTokens = {
      accessToken,
      // Google normally keeps the old refresh token valid and sends none back.
      refreshToken: credentials.refresh_token ?? refreshToken,
      expiresAt: credentials.expiry_date ?? null,
    };
    await this.options.tokens.save(next);
    this.current = next;
    return this.use(accessToken);
  }
}

function isFresh(tokens: OAuthTokens): boolean {
  // Unknown expiry: try the token; a 401 then triggers one refresh.
  return tokens.expiresAt === null || tokens.expiresAt - EXPIRY_SKEW_MS > Date.now();
}
