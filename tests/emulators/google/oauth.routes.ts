import type { EmulatorResponse, RouteDefinition } from '../shared/emulator';
import type { FaultScript } from '../shared/faults';
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

/** Token-endpoint answers for fault scripts on route `oauth.token` (bodies: api-facts-2 §12). */
export const googleTokenFaults = {
  /** A wrong client secret (401) or an unknown client (401, "The OAuth client was not found."). */
  invalidClient(description = 'Unauthorized', times?: number): FaultScript {
    return { status: 401, body: { error: 'invalid_client', error_description: description }, ...(times === undefined ? {} : { times }) };
  },
  unauthorizedClient(times?: number): FaultScript {
    return {
      status: 401,
      body: { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' },
      ...(times === undefined ? {} : { times }),
    };
  },
  invalidGrant(times?: number): FaultScript {
    return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, ...(times === undefined ? {} : { times }) };
  },
};

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
