import { Dropbox, DropboxAuth } from 'dropbox';
import type { z } from 'zod';
import type { CONNECTION_CONFIG } from '../../api/connections';
import { createDropboxFetch } from '../../connectors/dropbox/dropbox-fetch';
import { OAUTH_REQUEST_TIMEOUT_MS, OAuthError, type ConnectedGrant, type OAuthAttempt, type OAuthProvider } from './oauth-provider';

type DropboxConfig = z.output<(typeof CONNECTION_CONFIG)['dropbox']>;

/** Read the account's address and the files storage-orphans lists. */
export const DROPBOX_CONNECT_SCOPES = ['account_info.read', 'files.metadata.read'];

/**
 * Where Dropbox documents its authorize page. The SDK (10.34) builds
 * `https://dropbox.com/oauth2/authorize` instead, a host the desktop's
 * external-link allowlist does not hold (electron/main/external-links.ts),
 * so the system browser never opened on Connect Dropbox.
 */
const DROPBOX_AUTHORIZE_ORIGIN = 'https://www.dropbox.com';

/**
 * Dropbox's installed-app flow through the SDK (api-facts-2 §13):
 * `getAuthenticationUrl(…, 'code', 'offline', scopes, 'none', usePKCE)` and
 * `getAccessTokenFromCode`. The exchange runs as a public client (no secret),
 * because with a secret the SDK sends no `code_verifier`. Revocation is
 * `authTokenRevoke` with an access token refreshed from the grant (it also
 * ends the refresh token). The SDK hard-codes https hosts: the same fetch
 * that reaches an emulator for API calls rewrites them, and the authorize
 * URL's origin is rewritten the same way.
 */
export function dropboxOAuth(config: DropboxConfig, secrets: Record<string, string>): OAuthProvider {
  const fetch = createDropboxFetch({ ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}), timeoutMs: OAUTH_REQUEST_TIMEOUT_MS });
  return {
    service: 'Dropbox',
    async begin(redirectUri, state): Promise<OAuthAttempt> {
      const auth = new DropboxAuth({ clientId: config.appKey, fetch });
      const sdkUrl = String(await auth.getAuthenticationUrl(redirectUri, state, 'code', 'offline', DROPBOX_CONNECT_SCOPES, 'none', true));
      return {
        authUrl: onOrigin(sdkUrl, config.baseUrl ?? DROPBOX_AUTHORIZE_ORIGIN),
        async exchange(code): Promise<ConnectedGrant> {
          let result: { refresh_token?: string; access_token?: string };
          try {
            ({ result } = (await auth.getAccessTokenFromCode(redirectUri, code)) as { result: typeof result });
          } catch (error) {
            throw refused(error, 'exchange the authorization code');
          }
          if (!result.refresh_token || !result.access_token) throw new OAuthError('Dropbox returned no refresh token: try Connect again.', 'exchange-refused');
          try {
            const account: { result: unknown } = await new Dropbox({ accessToken: result.access_token, fetch }).usersGetCurrentAccount();
            // A 200 that is not JSON (a proxy's page) reaches here as text: no address, so no connection.
            const email = (account.result as { email?: unknown } | null)?.email;
            if (typeof email !== 'string') throw new Error('get_current_account answered without an address (a web page, not JSON)');
            return { refreshToken: result.refresh_token, email };
          } catch (error) {
            await new Dropbox({ accessToken: result.access_token, fetch }).authTokenRevoke().catch(() => undefined);
            throw refused(error, "read the account's address");
          }
        },
      };
    },
    async revoke(refreshToken) {
      const appSecret = secrets.appSecret;
      if (!appSecret) throw new OAuthError('Disconnect needs the app secret to reach Dropbox: add it with Edit.', 'bad-settings');
      const auth = new DropboxAuth({ clientId: config.appKey, clientSecret: appSecret, refreshToken, fetch });
      try {
        // Typed `void` in 10.34, but it returns the token request's promise.
        await auth.refreshAccessToken();
      } catch (error) {
        if (tokenError(error) === 'invalid_grant') return 'already-gone';
        throw new OAuthError(`Dropbox could not be asked to revoke the account's access (${describe(error)}); it stays connected. Try Disconnect again.`, 'revoke-failed', { cause: error });
      }
      let answered: unknown;
      try {
        answered = (await new Dropbox({ auth, fetch }).authTokenRevoke()).result;
      } catch (error) {
        throw new OAuthError(`Dropbox could not revoke the account's access (${describe(error)}); it stays connected. Try Disconnect again.`, 'revoke-failed', { cause: error });
      }
      // The SDK takes any 200 as success and keeps a body that is not JSON as text: a proxy's or portal's page, not Dropbox (which answers JSON null).
      if (typeof answered === 'string' && answered.trim() !== '') {
        throw new OAuthError("Dropbox's revoke endpoint answered with a web page, not Dropbox's answer (a proxy or sign-in portal in between?); the account stays connected. Try Disconnect again.", 'revoke-failed');
      }
      return 'revoked';
    },
  };
}

/** The SDK's URL on another origin; re-serialised, which also encodes what the SDK leaves raw (the space between scopes). */
function onOrigin(url: string, base: string): string {
  const target = new URL(url);
  const origin = new URL(base);
  target.protocol = origin.protocol;
  target.host = origin.host;
  return target.toString();
}

function refused(error: unknown, what: string): OAuthError {
  const code = tokenError(error);
  if (code === undefined) return new OAuthError(`Could not ${what} with Dropbox: ${describe(error)}.`, 'unreachable', { cause: error });
  const hint = code.startsWith('invalid_client') ? ' Check the app key (Edit).' : code === 'invalid_grant' ? ' The code was refused (expired, used, or its PKCE verifier did not match): try Connect again.' : '';
  return new OAuthError(`Dropbox refused to ${what}: ${code}.${hint}`, 'exchange-refused', { cause: error });
}

/** `error` of a DropboxResponseError's body (`invalid_grant`, `invalid_client: …`). */
function tokenError(error: unknown): string | undefined {
  const body = (error as { error?: unknown }).error;
  return body !== null && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : undefined;
}

function describe(error: unknown): string {
  const status = (error as { status?: number }).status;
  return status ? `HTTP ${status}` : error instanceof Error ? error.message : String(error);
}
