import { verify } from 'node:crypto';
import type { EmulatorResponse, RouteDefinition } from '../shared/emulator';
import type { FaultScript } from '../shared/faults';
import type { GoogleState } from './google-state';

/**
 * Google's OAuth token endpoint (api-facts §2, api-facts-2 §12): refresh_token,
 * authorization_code (with PKCE) and jwt-bearer (service accounts) grants; a
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
        const grantType = form.get('grant_type');
        // A service account's grant carries no client: the signed JWT is the credential (api-facts-2 §12).
        if (grantType === JWT_BEARER) return jwtGrant(state, form.get('assertion') ?? '', tokenLifetimeSec());
        const clientId = form.get('client_id');
        const secret = clientId === null ? undefined : state.clients.get(clientId);
        if (secret === undefined) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
        // Desktop clients still send their secret, PKCE or not (api-facts-2 §12).
        if (form.get('client_secret') === null) return oauthError(400, 'invalid_request', 'client_secret is missing.');
        if (secret !== form.get('client_secret')) return oauthError(401, 'invalid_client', 'Unauthorized');
        if (grantType === 'authorization_code') return codeGrant(state, form, clientId ?? '', tokenLifetimeSec());
        if (grantType !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
        const refreshToken = form.get('refresh_token');
        if (!refreshToken) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
        const accountId = state.refreshTokens.get(refreshToken);
        if (accountId === undefined) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
        const lifetime = tokenLifetimeSec();
        return {
          status: 200,
          // No new refresh_token: Google keeps the old one valid (api-facts §2).
          body: { access_token: state.issueAccessToken(accountId, lifetime, undefined, refreshToken), expires_in: lifetime, scope: SCOPE, token_type: 'Bearer' },
        };
      },
    },
  ];
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';

/** The code from the consent page, checked against its client, redirect URI and PKCE challenge. */
function codeGrant(state: GoogleState, form: URLSearchParams, clientId: string, lifetime: number): EmulatorResponse {
  const code = form.get('code');
  if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
  const answer = state.consent.redeem(code, clientId, form.get('redirect_uri'), form.get('code_verifier'));
  if ('refused' in answer) {
    const description = { 'bad-code': 'Bad Request', 'missing-verifier': 'Missing code verifier.', 'bad-verifier': 'Invalid code verifier.', 'verifier-not-needed': 'code_verifier or verifier is not needed.' }[answer.refused];
    return oauthError(400, 'invalid_grant', description);
  }
  const refreshToken = state.grant(answer.ok.accountId);
  return {
    status: 200,
    body: {
      access_token: state.issueAccessToken(answer.ok.accountId, lifetime, undefined, refreshToken),
      expires_in: lifetime,
      refresh_token: refreshToken,
      scope: answer.ok.scope,
      token_type: 'Bearer',
    },
  };
}

/** RS256 JWT signed with the service account's private key, verified with the public key it was registered with. */
function jwtGrant(state: GoogleState, assertion: string, lifetime: number): EmulatorResponse {
  const [header = '', payload = '', signature = ''] = assertion.split('.');
  let claims: { iss?: string; aud?: string; scope?: string; iat?: number; exp?: number };
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return oauthError(400, 'invalid_grant', 'Invalid JWT: could not parse the assertion.');
  }
  const account = claims.iss === undefined ? undefined : state.serviceAccounts.get(claims.iss);
  if (!account) return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
  const signed = Buffer.from(`${header}.${payload}`);
  if (alg !== 'RS256' || !verify('RSA-SHA256', signed, account.publicKey, Buffer.from(signature, 'base64url'))) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
  const now = Math.floor(Date.now() / 1000);
  const { iat = 0, exp = 0 } = claims;
  if (exp - iat > 3600 || exp <= now || iat > now + 300) {
    return oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
  }
  if (claims.aud !== TOKEN_AUDIENCE) return oauthError(400, 'invalid_grant', 'Invalid JWT: Failed audience check.');
  if (!claims.scope) return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
  return { status: 200, body: { access_token: state.issueAccessToken(account.accountId, lifetime), expires_in: lifetime, token_type: 'Bearer' } };
}
