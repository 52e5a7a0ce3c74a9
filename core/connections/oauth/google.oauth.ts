import type { z } from 'zod';
import type { CONNECTION_CONFIG } from '../../api/connections';
import { newOAuth2Client, type OAuth2Client } from '../../connectors/google/googleapis-lite';
import { OAUTH_REQUEST_TIMEOUT_MS, OAuthError, type ConnectedGrant, type OAuthAttempt, type OAuthProvider } from './oauth-provider';

type GoogleConfig = z.output<(typeof CONNECTION_CONFIG)['google']>;
type CodeChallengeMethod = NonNullable<NonNullable<Parameters<OAuth2Client['generateAuthUrl']>[0]>['code_challenge_method']>;

/** Read-only access for Sheets and Drive, and the address to show on the card. */
export const GOOGLE_CONNECT_SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/spreadsheets.readonly', 'https://www.googleapis.com/auth/drive.readonly'];

/**
 * Google's installed-app flow through google-auth-library (api-facts-2 §12):
 * `generateCodeVerifierAsync` + `generateAuthUrl` with an S256 challenge,
 * `access_type=offline` and `prompt=consent` (a refresh token on every
 * connect, not only the first), `getToken` with the verifier, `revokeToken`.
 * The emulator is reached through the client's own `endpoints` options.
 */
export function googleOAuth(config: GoogleConfig, secrets: Record<string, string>): OAuthProvider {
  const clientSecret = secrets.clientSecret;
  if (!config.clientId || !clientSecret) {
    throw new OAuthError('Connect needs the OAuth client id and secret of a Desktop app client: add them with Edit first.', 'bad-settings');
  }
  const client = (redirectUri?: string) =>
    newOAuth2Client({
      clientId: config.clientId,
      clientSecret,
      ...(redirectUri ? { redirectUri } : {}),
      endpoints: {
        ...(config.authUrl ? { oauth2AuthBaseUrl: config.authUrl } : {}),
        ...(config.tokenUrl ? { oauth2TokenUrl: config.tokenUrl } : {}),
        ...(config.revokeUrl ? { oauth2RevokeUrl: config.revokeUrl } : {}),
      },
      // One attempt: a sign-in that fails says so now; the admin retries with the button.
      transporterOptions: { timeout: OAUTH_REQUEST_TIMEOUT_MS, retryConfig: { retry: 0, noResponseRetries: 0 } },
    });
  const userinfoUrl = new URL('oauth2/v3/userinfo', config.rootUrl ?? 'https://www.googleapis.com/').toString();

  return {
    service: 'Google',
    async begin(redirectUri, state): Promise<OAuthAttempt> {
      const oauth = client(redirectUri);
      const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
      const authUrl = oauth.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: GOOGLE_CONNECT_SCOPES,
        state,
        code_challenge_method: 'S256' as CodeChallengeMethod,
        code_challenge: codeChallenge ?? '',
      });
      return {
        authUrl,
        async exchange(code): Promise<ConnectedGrant> {
          let tokens;
          try {
            ({ tokens } = await oauth.getToken({ code, codeVerifier, redirect_uri: redirectUri }));
          } catch (error) {
            throw refused(error, 'exchange the authorization code');
          }
          if (!tokens.refresh_token || !tokens.access_token) throw new OAuthError('Google returned no refresh token: try Connect again.', 'exchange-refused');
          oauth.setCredentials({ access_token: tokens.access_token });
          try {
            const { data } = await oauth.request<{ email?: string } | string>({ url: userinfoUrl });
            // A 200 web page (a proxy's) parses to a string: no account to show, so no connection either.
            if (typeof data !== 'object' || data === null) throw new Error('its userinfo endpoint answered with a web page, not JSON');
            return { refreshToken: tokens.refresh_token, email: data.email ?? '' };
          } catch (error) {
            // The grant exists now: give it back rather than leave a live token nobody holds.
            await oauth.revokeToken(tokens.refresh_token).catch(() => undefined);
            throw refused(error, "read the account's address");
          }
        },
      };
    },
    async revoke(refreshToken) {
      try {
        // Typed as Google's JSON; at run time a body that is not JSON stays text.
        const data: unknown = (await client().revokeToken(refreshToken)).data;
        // Google answers 200 with JSON (or nothing); a 200 web page is a proxy's or a captive portal's, and Google revoked nothing.
        if (typeof data === 'string' && data.trim() !== '') {
          throw new OAuthError("Google's revoke endpoint answered with a web page, not Google's answer (a proxy or sign-in portal in between?); the account stays connected. Try Disconnect again.", 'revoke-failed');
        }
        return 'revoked';
      } catch (error) {
        if (error instanceof OAuthError) throw error;
        // 400 invalid_token: "Token expired or revoked" (api-facts-2 §12) — nothing left to revoke.
        if (oauthErrorCode(error) === 'invalid_token') return 'already-gone';
        throw new OAuthError(`Google could not be asked to revoke the account's access (${describe(error)}); it stays connected. Try Disconnect again.`, 'revoke-failed', { cause: error });
      }
    },
  };
}

function refused(error: unknown, what: string): OAuthError {
  const code = oauthErrorCode(error);
  if (code === undefined) return new OAuthError(`Could not ${what} with Google: ${describe(error)}.`, 'unreachable', { cause: error });
  const hint = code === 'invalid_client' ? ' Check the OAuth client id and secret (Edit).' : code === 'invalid_grant' ? ' The code was refused (expired, used, or its PKCE verifier did not match): try Connect again.' : '';
  return new OAuthError(`Google refused to ${what}: ${code}.${hint}`, 'exchange-refused', { cause: error });
}

/** The OAuth `error` of a GaxiosError's JSON body, if it has one. */
function oauthErrorCode(error: unknown): string | undefined {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  return data !== null && typeof data === 'object' && typeof (data as { error?: unknown }).error === 'string' ? (data as { error: string }).error : undefined;
}

function describe(error: unknown): string {
  const status = (error as { status?: number }).status;
  const code = (error as { code?: string }).code;
  return status ? `HTTP ${status}` : (code ?? (error instanceof Error ? error.message : String(error)));
}
