import type { EmulatorRequest, EmulatorResponse, RouteDefinition } from '../shared/emulator';
import { answering, authed, type DropboxWorld } from './context';
import { oauthError } from './errors';

/** POST /oauth2/token (refresh_token grant) and the cheap auth check users/get_current_account. */
export function authRoutes(world: DropboxWorld): RouteDefinition[] {
  return [
    {
      name: 'dropbox.oauth2.token',
      method: 'POST',
      path: '/oauth2/token',
      handle: (request) => {
        const params = tokenParams(request);
        const basic = basicCredentials(request.headers.authorization);
        const clientId = basic?.id ?? params.get('client_id');
        const clientSecret = basic?.secret ?? params.get('client_secret');
        // A PKCE code exchange is the one request a public client makes without its secret (api-facts-2 §13).
        const publicPkce = clientSecret === null && params.get('grant_type') === 'authorization_code' && params.get('code_verifier') !== null;
        // Credentials sent in an Authorization header earn a 401 (RFC 6749 §5.2); in parameters, a 400.
        if (clientId !== world.seed.app.key || (clientSecret !== world.seed.app.secret && !publicPkce)) {
          return oauthError(basic ? 401 : 400, 'invalid_client', 'Invalid client_id or client_secret');
        }
        const grantType = params.get('grant_type');
        if (grantType === 'authorization_code') return codeGrant(world, params);
        if (!grantType) return oauthError(400, 'invalid_request', 'No grant_type provided.');
        if (grantType !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', `grant_type "${grantType}" is not supported by the emulator`);
        const refreshToken = params.get('refresh_token') ?? '';
        const accountId = world.tokens.accountOfRefreshToken(refreshToken);
        if (!accountId) return oauthError(400, 'invalid_grant', 'refresh token is invalid or revoked');
        return { status: 200, body: world.tokens.issue(refreshToken, accountId) };
      },
    },
    {
      name: 'dropbox.users.get_current_account',
      method: 'POST',
      path: '/2/users/get_current_account',
      handle: answering((request) => {
        // Sent by the SDK with no body and no Content-Type (api-facts §5): nothing to parse.
        const { account } = authed(world, 'users/get_current_account', request);
        const [given = '', ...rest] = account.displayName.split(' ');
        return {
          status: 200,
          body: {
            account_id: account.accountId,
            name: {
              given_name: given,
              surname: rest.join(' '),
              familiar_name: given,
              display_name: account.displayName,
              abbreviated_name: (given[0] ?? '') + (rest[0]?.[0] ?? ''),
            },
            email: account.email,
            email_verified: true,
            disabled: false,
            locale: 'en',
            referral_link: 'https://www.dropbox.com/referrals/emulator',
            is_paired: false,
            account_type: { '.tag': 'basic' },
            root_info: { '.tag': 'user', root_namespace_id: '1', home_namespace_id: '1' },
            country: 'US',
          },
        };
      }),
    },
  ];
}

/** The code from the consent page; a PKCE code needs its verifier. */
function codeGrant(world: DropboxWorld, params: URLSearchParams): EmulatorResponse {
  const code = params.get('code');
  if (!code) return oauthError(400, 'invalid_request', 'No auth code provided.');
  const answer = world.consent.redeem(code, params.get('client_id') ?? '', params.get('redirect_uri'), params.get('code_verifier'));
  if ('refused' in answer) {
    const description = answer.refused === 'missing-verifier' ? 'code_verifier is required' : answer.refused === 'bad-verifier' ? 'invalid code verifier' : "code doesn't exist or has expired";
    return oauthError(400, 'invalid_grant', description);
  }
  const issued = answer.ok;
  const refreshToken = world.tokens.grant(issued.accountId);
  const access = world.tokens.issue(refreshToken, issued.accountId);
  return { status: 200, body: { ...access, refresh_token: refreshToken, scope: issued.scope, uid: issued.accountId.replace(/\D/g, '').slice(0, 10) || '1', account_id: issued.accountId } };
}

/**
 * The JS SDK sends every token parameter in the query string with an empty
 * body; other clients send a form body. Read both, the body winning.
 */
function tokenParams(request: EmulatorRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  const type = String(request.headers['content-type'] ?? '');
  if (request.rawBody && (type.includes('application/x-www-form-urlencoded') || !type.includes('json'))) {
    for (const [key, value] of request.form()) params.set(key, value);
  }
  return params;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
