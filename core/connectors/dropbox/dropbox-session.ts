import { DropboxAuth } from 'dropbox';
import { ConnectorError, isConnectorError } from '../shared/connector-error';
import type { OAuthTokenStore } from '../shared/oauth-tokens';
import type { ServicePolicy } from '../shared/service-policy';
import { toConnectorError } from './dropbox-errors';
import { DROPBOX, type DropboxFetch } from './dropbox-fetch';

/** Refresh this long before the stored expiry, as the SDK itself does (its 300 s buffer). */
const EXPIRY_SKEW_MS = 5 * 60_000;

export interface DropboxSessionOptions {
  appKey: string;
  appSecret: string;
  tokens: OAuthTokenStore;
  policy: ServicePolicy;
  fetchFor(signal: AbortSignal | undefined): DropboxFetch;
}

/**
 * One user's tokens. The SDK would refresh silently and keep the new token to
 * itself, so refreshes happen here instead: through the service policy (each
 * token request is counted and retried like any other) and written back to
 * the token store, so the product and Syncwarden share one live token.
 */
export class DropboxSession {
  private refreshing: Promise<string> | undefined;

  constructor(private readonly options: DropboxSessionOptions) {}

  /** The stored access token while it has more than five minutes left; otherwise a fresh one. */
  async accessToken(signal?: AbortSignal): Promise<string> {
    const stored = await this.options.tokens.load();
    // No expiry recorded means a token we cannot judge: use it, a 401 will tell.
    if (stored.accessToken && (stored.expiresAt === null || stored.expiresAt - EXPIRY_SKEW_MS > Date.now())) return stored.accessToken;
    return this.refresh(signal);
  }

  /** Exchanges the refresh token for a new access token; concurrent callers share one exchange. */
  refresh(signal?: AbortSignal): Promise<string> {
    this.refreshing ??= this.exchange(signal).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async exchange(signal: AbortSignal | undefined, retried = false): Promise<string> {
    const stored = await this.options.tokens.load();
    const refreshToken = stored.refreshToken;
    if (!refreshToken) {
      throw new ConnectorError('token-revoked', DROPBOX, 'No Dropbox refresh token stored for this user: reconnect the account', { reason: 'missing_refresh_token' });
    }
    let fresh: { accessToken: string; expiresAt: number };
    try {
      fresh = await this.request(refreshToken, signal);
    } catch (error) {
      // The user may have reconnected while the token was refused: a newer stored grant is tried once, not flagged.
      if (retried || !isConnectorError(error, 'token-revoked') || (await this.options.tokens.load()).refreshToken === refreshToken) throw error;
      return this.exchange(signal, true);
    }
    // Dropbox never rotates refresh tokens: none is written, so a grant the product stored meanwhile stays.
    await this.options.tokens.save({ accessToken: fresh.accessToken, refreshToken: null, expiresAt: fresh.expiresAt });
    return fresh.accessToken;
  }

  private request(refreshToken: string, signal: AbortSignal | undefined): Promise<{ accessToken: string; expiresAt: number }> {
    return this.options.policy.execute(async (policySignal) => {
      const auth = new DropboxAuth({ clientId: this.options.appKey, clientSecret: this.options.appSecret, refreshToken, fetch: this.options.fetchFor(policySignal) });
      try {
        // Typed `void` in 10.34, but it returns the token request's promise.
        await auth.refreshAccessToken();
      } catch (error) {
        throw toConnectorError(error, 'token') ?? error;
      }
      return { accessToken: auth.getAccessToken(), expiresAt: auth.getAccessTokenExpiresAt().getTime() };
    }, signal);
  }
}
