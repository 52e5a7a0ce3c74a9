import type { EmulatorResponse, RouteDefinition } from '../shared/emulator';
import { consentPage, htmlPage, isLoopbackRedirect } from '../shared/consent';
import type { GoogleState } from './google-state';

/**
 * The installed-app side of Google's OAuth (api-facts-2 §12): the authorize
 * page (`accounts.google.com/o/oauth2/v2/auth`, here on the emulator's origin)
 * with its consent screen, the revoke endpoint (`oauth2.googleapis.com/revoke`)
 * and userinfo (`www.googleapis.com/oauth2/v3/userinfo`). Point
 * google-auth-library at them with `endpoints.oauth2AuthBaseUrl` and
 * `endpoints.oauth2RevokeUrl`.
 */
export const AUTHORIZE_PATH = '/o/oauth2/v2/auth';
const DECISION_PATH = '/o/oauth2/v2/auth/decision';

export function consentRoutes(state: GoogleState): RouteDefinition[] {
  return [
    {
      name: 'oauth.authorize',
      method: 'GET',
      path: AUTHORIZE_PATH,
      handle(request) {
        const q = request.query;
        const clientId = q.get('client_id') ?? '';
        // Google answers a bad request on its own page; nothing is sent to the redirect URI.
        if (!state.clients.has(clientId)) return htmlPage(401, 'Error 401: invalid_client', 'The OAuth client was not found.');
        const redirectUri = q.get('redirect_uri') ?? '';
        if (!isLoopbackRedirect(redirectUri)) return htmlPage(400, 'Error 400: redirect_uri_mismatch', `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`);
        if (q.get('response_type') !== 'code') return htmlPage(400, 'Error 400: invalid_request', 'Invalid response_type.');
        const method = q.get('code_challenge_method');
        if (method !== null && method !== 'S256' && method !== 'plain') return htmlPage(400, 'Error 400: invalid_request', 'Invalid code_challenge_method value.');
        const scope = q.get('scope') ?? '';
        if (!scope) return htmlPage(400, 'Error 400: invalid_request', 'Missing required parameter: scope');
        const accountId = state.consent.signedIn;
        const account = accountId === undefined ? undefined : state.accounts.get(accountId);
        if (!account) return htmlPage(400, 'Error 400: no account', 'Nobody is signed in to this emulated browser.');
        const requestId = state.consent.open({
          clientId,
          redirectUri,
          state: q.get('state'),
          scope,
          codeChallenge: q.get('code_challenge'),
          codeChallengeMethod: q.get('code_challenge') === null ? null : ((method ?? 'plain') as 'S256' | 'plain'),
          accountId: account.id,
        });
        return consentPage({ service: 'Google', action: DECISION_PATH, requestId, appName: clientId, email: account.email, scopes: scope.split(' ') });
      },
    },
    {
      name: 'oauth.authorize.decision',
      method: 'POST',
      path: DECISION_PATH,
      handle(request) {
        const form = request.form();
        const id = form.get('request') ?? '';
        return state.consent.decide(id, form.get('decision') === 'allow', { echoScope: true });
      },
    },
    {
      name: 'oauth.revoke',
      method: 'POST',
      path: '/revoke',
      handle(request) {
        // google-auth-library sends the token in the query string with no body; curl users send a form.
        const token = request.query.get('token') ?? request.form().get('token');
        if (!token) return { status: 400, body: { error: 'invalid_request', error_description: 'Bad Request' } };
        if (!state.revoke(token)) return { status: 400, body: { error: 'invalid_token', error_description: 'Token expired or revoked' } };
        return { status: 200, body: {} };
      },
    },
    {
      name: 'oauth.userinfo',
      method: 'GET',
      path: '/oauth2/v3/userinfo',
      handle(request): EmulatorResponse {
        const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
        const grant = token === undefined ? undefined : state.accessTokens.get(token);
        if (!grant || grant.expiresAt <= Date.now()) {
          return { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }, body: { error: 'invalid_request', error_description: 'Invalid Credentials' } };
        }
        const account = state.account(grant.accountId);
        return { status: 200, body: { sub: `1${Buffer.from(account.id).toString('hex').slice(0, 20)}`, email: account.email, email_verified: true } };
      },
    },
  ];
}
