import type { EmulatorResponse, RouteDefinition } from '../shared/emulator';
import type { GoogleState } from './google-state';

/**
 * Google's OAuth token endpoint (api-facts §2), refresh_token grant only: a
 * form body in, `{access_token, expires_in, scope, token_type}` out. Errors use
 * the OAuth shape `{error, error_description}`, not the API envelope.
 */
const SCOPE = 'https://www.googleapis.com/auth/drive.readonly https://www.googleapis.com/auth/spreadsheets.readonly https://www.googleapis.com/auth/gmail.readonly';

const oauthError = (status: number, error: string, description: string): EmulatorResponse => ({
  status,
  body: { error, error_description: description },
});

export function oauthRoutes(state: GoogleState, tokenLifetimeSec: () => number): RouteDefinition[] {
  return [
    {
      name: 'oauth.token',
      method: 'POST',
      path: '/token',
      handle(request) {
        const form = request.form();
        const clientId = form.get('client_id');
        const secret = clientId === null ? undefined : state.clients.get(clientId);
        if (secret === undefined) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
        if (secret !== form.get('client_secret')) return oauthError(401, 'invalid_client', 'Unauthorized');
        const grantType = form.get('grant_type');
        if (grantType !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
        const refreshToken = form.get('refresh_token');
        if (!refreshToken) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
        const accountId = state.refreshTokens.get(refreshToken);
        if (accountId === undefined) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
        const lifetime = tokenLifetimeSec();
        return {
          status: 200,
          // No new refresh_token: Google keeps the old one valid (api-facts §2).
          body: { access_token: state.issueAccessToken(accountId, lifetime), expires_in: lifetime, scope: SCOPE, token_type: 'Bearer' },
        };
      },
    },
  ];
}
