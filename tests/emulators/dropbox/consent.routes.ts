import type { RouteDefinition } from '../shared/emulator';
import { consentPage, htmlPage, isLoopbackRedirect } from '../shared/consent';
import { answering, authed, type DropboxWorld } from './context';

/**
 * Dropbox's installed-app sign-in (api-facts-2 §13): the authorize page
 * (`www.dropbox.com/oauth2/authorize`, here on the emulator's origin) with its
 * consent screen, and `/2/auth/token/revoke`. The SDK builds the authorize URL
 * without URL-encoding (`state` must be URL-safe); query parsing copes.
 */
const DECISION_PATH = '/oauth2/authorize/decision';

export function consentRoutes(world: DropboxWorld): RouteDefinition[] {
  return [
    {
      name: 'dropbox.oauth2.authorize',
      method: 'GET',
      path: '/oauth2/authorize',
      handle(request) {
        const q = request.query;
        if (q.get('client_id') !== world.seed.app.key) return htmlPage(400, 'Error (400)', 'Invalid client_id.');
        const redirectUri = q.get('redirect_uri') ?? '';
        if (!isLoopbackRedirect(redirectUri)) return htmlPage(400, 'Error (400)', `Invalid redirect_uri. It must exactly match one of the redirect URIs you've pre-configured for your app (including the path).`);
        if (q.get('response_type') !== 'code') return htmlPage(400, 'Error (400)', 'Invalid response_type.');
        const method = q.get('code_challenge_method');
        if (q.get('code_challenge') !== null && method !== 'S256' && method !== 'plain') return htmlPage(400, 'Error (400)', 'Invalid code_challenge_method.');
        const account = world.consent.signedIn === undefined ? undefined : world.accounts.get(world.consent.signedIn);
        if (!account) return htmlPage(400, 'Error (400)', 'Nobody is signed in to this emulated browser.');
        const scope = q.get('scope') ?? '';
        const requestId = world.consent.open({
          clientId: world.seed.app.key,
          redirectUri,
          state: q.get('state'),
          scope,
          codeChallenge: q.get('code_challenge'),
          codeChallengeMethod: q.get('code_challenge') === null ? null : (method as 'S256' | 'plain'),
          accountId: account.accountId,
        });
        return consentPage({ service: 'Dropbox', action: DECISION_PATH, requestId, appName: world.seed.app.key, email: account.email, scopes: scope ? scope.split(' ') : ['account_info.read'] });
      },
    },
    {
      name: 'dropbox.oauth2.authorize.decision',
      method: 'POST',
      path: DECISION_PATH,
      handle(request) {
        const form = request.form();
        return world.consent.decide(form.get('request') ?? '', form.get('decision') === 'allow');
      },
    },
    {
      name: 'dropbox.auth.token.revoke',
      method: 'POST',
      path: '/2/auth/token/revoke',
      handle: answering((request) => {
        authed(world, 'auth/token/revoke', request);
        const token = /^Bearer\s+(\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
        world.tokens.revokeAccessToken(token);
        // A route without a result answers JSON null (body unconfirmed, api-facts-2 §13).
        return { status: 200, body: null };
      }),
    },
  ];
}
