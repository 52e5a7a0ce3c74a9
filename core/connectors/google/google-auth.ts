import { newOAuth2Client, type Credentials, type OAuth2Client, type OAuth2ClientOptions } from './googleapis-lite';
import { ConnectorError, isConnectorError } from '../shared/connector-error';
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

/**
 * The OAuth2 client's options for the token endpoint. Node's own fetch is the
 * transport, as for the Drive client: gaxios' default loads node-fetch with a
 * dynamic import() on its first request, a module load on the event loop in
 * the middle of the first run that refreshes a token (issue 19: a start-of-run
 * stall). tests/integration/google-token-fetch.test.ts pins that the token
 * endpoint's every outcome maps the same through either transport.
 */
export function tokenClientOptions(options: Pick<GoogleAuthOptions, 'clientId' | 'clientSecret' | 'tokenUrl' | 'timeoutMs'>): OAuth2ClientOptions {
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ...(options.tokenUrl ? { endpoints: { oauth2TokenUrl: options.tokenUrl } } : {}),
    // The library asks for retries on token calls (RETRY_CONFIG); zero them so the policy alone retries.
    transporterOptions: { timeout: options.timeoutMs, retryConfig: { retry: 0, noResponseRetries: 0 }, fetchImplementation: fetch },
  };
}

export class GoogleAuth {
  /** The auth client handed to googleapis for API calls. */
  readonly client: OAuth2Client;
  private readonly clientOptions: OAuth2ClientOptions;
  private refresherBuilt: OAuth2Client | undefined;
  private current: OAuthTokens | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(
    private readonly options: GoogleAuthOptions,
    private readonly service: string,
  ) {
    const clientOptions = tokenClientOptions(options);
    this.clientOptions = clientOptions;
    this.client = newOAuth2Client(clientOptions);
  }

  /** The client that exchanges the refresh token; built on the first refresh (most accounts of a run never refresh). */
  private get refresher(): OAuth2Client {
    return (this.refresherBuilt ??= newOAuth2Client(this.clientOptions));
  }

  /** The access token to send now: the stored one while it is valid, else a refreshed one. */
  async accessToken(policy: ServicePolicy, signal?: AbortSignal): Promise<string> {
    const tokens = this.current ?? (this.current = await this.options.tokens.load());
    if (sendable(tokens.accessToken) && isFresh(tokens)) return this.use(tokens.accessToken);
    return this.refresh(policy, signal);
  }

  /**
   * After a 401 for `rejected`: take a newer token someone else saved (the
   * product refreshes too), otherwise refresh once.
   */
  async recover(rejected: string, policy: ServicePolicy, signal?: AbortSignal): Promise<string> {
    const stored = await this.options.tokens.load();
    this.current = stored;
    if (sendable(stored.accessToken) && stored.accessToken !== rejected && isFresh(stored)) return this.use(stored.accessToken);
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

  private async requestToken(retried = false): Promise<string> {
    const refreshToken = this.current?.refreshToken;
    if (!refreshToken) throw new ConnectorError('token-revoked', this.service, 'no refresh token is stored: the user must reconnect');
    let credentials: Credentials;
    try {
      credentials = await this.exchange(refreshToken);
    } catch (error) {
      // Refused: the user may have reconnected meanwhile (the product stored a new grant). Only a dead grant
      // that is still the stored one is the user's fault; a newer one is tried once.
      if (!isConnectorError(error, 'token-revoked') || retried) throw error;
      const stored = await this.options.tokens.load();
      if (!stored.refreshToken || stored.refreshToken === refreshToken) throw error;
      this.current = stored;
      return this.requestToken(true);
    }
    const accessToken = credentials.access_token;
    if (!sendable(accessToken)) throw new ConnectorError('unavailable', this.service, 'the token endpoint returned no usable access token');
    // Google normally keeps the refresh token valid and sends none back (exchange then echoes the one it sent):
    // only a new one is written, so a grant the product stored meanwhile is never overwritten.
    const issued = credentials.refresh_token && credentials.refresh_token !== refreshToken ? credentials.refresh_token : null;
    await this.options.tokens.save({ accessToken, refreshToken: issued, expiresAt: credentials.expiry_date ?? null });
    this.current = { accessToken, refreshToken: issued ?? refreshToken, expiresAt: credentials.expiry_date ?? null };
    return this.use(accessToken);
  }

  private async exchange(refreshToken: string): Promise<Credentials> {
    this.refresher.setCredentials({ refresh_token: refreshToken });
    // refreshAccessToken overwrites the answer's refresh_token with the one it sent (google-auth-library's
    // refreshAccessTokenAsync), so a rotated grant would be lost and the user locked out once the old one dies.
    // Its 'tokens' event carries the token endpoint's answer before that overwrite: the issued token is read there.
    let issued: string | null | undefined;
    const onTokens = (tokens: Credentials) => void (issued = tokens.refresh_token);
    this.refresher.on('tokens', onTokens);
    try {
      const { credentials } = await this.refresher.refreshAccessToken();
      return { ...credentials, refresh_token: issued ?? refreshToken };
    } catch (error) {
      throw mapGoogleError(error, this.service, 'token');
    } finally {
      this.refresher.off('tokens', onTokens);
    }
  }
}

/**
 * A token that can go in an Authorization header: visible ASCII only (RFC 6750's b64token is narrower still).
 * One stored with a line break or a character past Latin-1 makes fetch refuse the request before it is sent, so
 * no 401 ever comes to trigger a refresh and the account would stay unknown on every run, blamed on the network.
 * Such a stored token counts as none: the refresh token gets a new one.
 */
function sendable(token: string | null | undefined): token is string {
  return typeof token === 'string' && /^[\x21-\x7e]+$/.test(token);
}

function isFresh(tokens: OAuthTokens): boolean {
  // Unknown expiry: try the token; a 401 then triggers one refresh.
  return tokens.expiresAt === null || tokens.expiresAt - EXPIRY_SKEW_MS > Date.now();
}
