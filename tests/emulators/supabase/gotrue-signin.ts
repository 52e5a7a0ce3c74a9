import { randomBytes } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, RouteDefinition } from '../shared/emulator';
import { gotrueError, type AdminKeys } from './gotrue-http';
import type { GoTrueUserStore } from './gotrue-store';

export const SIGN_IN_ROUTE = 'supabase.token.password';

/**
 * `POST /auth/v1/token?grant_type=password` (`internal/api/token.go`), only as
 * far as tests need it to prove what a ban does: a banned user is refused with
 * 400 `user_banned` (api-facts-2 §14), a soft-deleted one cannot sign in at
 * all, and a wrong password is 400 `invalid_credentials`. The session returned
 * is opaque: no JWT is signed.
 */
export function gotrueSignInRoute(store: GoTrueUserStore, keys: AdminKeys): RouteDefinition {
  return { name: SIGN_IN_ROUTE, method: 'POST', path: '/auth/v1/token', handle: (request) => signIn(store, keys, request) };
}

function signIn(store: GoTrueUserStore, keys: AdminKeys, request: EmulatorRequest): EmulatorResponse {
  const apikey = request.headers.apikey;
  if (apikey !== keys.anonKey && apikey !== keys.serviceRoleKey) return gotrueError(request, 401, 'no_authorization', 'Invalid API key');
  if (request.query.get('grant_type') !== 'password') return gotrueError(request, 400, 'validation_failed', 'unsupported_grant_type');
  const body = request.json<{ email?: unknown; password?: unknown }>() ?? {};
  const email = typeof body.email === 'string' ? body.email.toLowerCase() : '';
  const user = email ? store.findByEmail(email) : undefined;
  const invalid = () => gotrueError(request, 400, 'invalid_credentials', 'Invalid login credentials');
  if (!user || user.deleted_at || typeof body.password !== 'string' || store.password(user.id) !== body.password) return invalid();
  if (user.banned_until && Date.parse(user.banned_until) > Date.now()) return gotrueError(request, 400, 'user_banned', 'User is banned');
  user.last_sign_in_at = new Date().toISOString();
  return {
    status: 200,
    body: { access_token: randomBytes(16).toString('hex'), token_type: 'bearer', expires_in: 3600, expires_at: Math.floor(Date.now() / 1000) + 3600, refresh_token: randomBytes(8).toString('hex'), user },
  };
}
