import type { EmulatorRequest, EmulatorResponse, RouteDefinition } from '../shared/emulator';
import { checkAdmin, gotrueError, paginationHeaders, parsePagination, type AdminKeys } from './gotrue-http';
import type { GoTrueUserStore } from './gotrue-store';
import { confirmEmail, mergeMetadata, setEmail, softDelete, UUID_PATTERN, type GoTrueUser } from './gotrue-users';
import { applyBan, parseAdminParams, validateEmail, validatePhone, type AdminUserParams } from './gotrue-params';

/** Stable route names for counts and fault scripts. */
export const SUPABASE_ROUTES = {
  list: 'supabase.admin.users.list',
  get: 'supabase.admin.users.get',
  create: 'supabase.admin.users.create',
  update: 'supabase.admin.users.update',
  delete: 'supabase.admin.users.delete',
} as const;

const USERS = '/auth/v1/admin/users';
const USER = '/auth/v1/admin/users/:userId';

/** The admin user routes of GoTrue (`internal/api/admin.go`) over one user store. */
export function gotrueAdminRoutes(store: GoTrueUserStore, keys: AdminKeys): RouteDefinition[] {
  // requireAdminCredentials runs before loadUser, so a bad key never reveals whether an id exists.
  const admin = (handle: (request: EmulatorRequest) => EmulatorResponse) => (request: EmulatorRequest) =>
    checkAdmin(request, keys) ?? handle(request);
  const withUser = (handle: (request: EmulatorRequest, user: GoTrueUser) => EmulatorResponse) =>
    admin((request) => {
      const id = request.params.userId ?? '';
      if (!UUID_PATTERN.test(id)) return gotrueError(request, 404, 'validation_failed', 'user_id must be an UUID');
      const user = store.get(id);
      return user ? handle(request, user) : gotrueError(request, 404, 'user_not_found', 'User not found');
    });

  return [
    { name: SUPABASE_ROUTES.list, method: 'GET', path: USERS, handle: admin((request) => listUsers(store, request)) },
    { name: SUPABASE_ROUTES.get, method: 'GET', path: USER, handle: withUser((_request, user) => ({ status: 200, body: user })) },
    { name: SUPABASE_ROUTES.create, method: 'POST', path: USERS, handle: admin((request) => createUser(store, request)) },
    { name: SUPABASE_ROUTES.update, method: 'PUT', path: USER, handle: withUser((request, user) => updateUser(store, request, user)) },
    { name: SUPABASE_ROUTES.delete, method: 'DELETE', path: USER, handle: withUser((request, user) => deleteUser(store, request, user)) },
  ];
}

function listUsers(store: GoTrueUserStore, request: EmulatorRequest): EmulatorResponse {
  const pagination = parsePagination(request.query);
  if ('error' in pagination) return gotrueError(request, 400, 'validation_failed', `Bad Pagination Parameters: ${pagination.error}`);
  const { users, total } = store.page(pagination.page, pagination.perPage, request.query.get('filter') ?? '');
  return {
    status: 200,
    headers: paginationHeaders(request, pagination.page, pagination.perPage, total),
    body: { users, aud: 'authenticated' },
  };
}

function createUser(store: GoTrueUserStore, request: EmulatorRequest): EmulatorResponse {
  const parsed = parseAdminParams(request);
  if ('error' in parsed) return parsed.error;
  const params: AdminUserParams = parsed.params;
  if (!params.email && !params.phone) {
    return gotrueError(request, 400, 'validation_failed', 'Cannot create a user without either an email or phone');
  }
  const email = params.email ? validateEmail(params.email) : '';
  if (email === undefined) return gotrueError(request, 400, 'validation_failed', 'Unable to validate email address: invalid format');
  if (email && store.findByEmail(email)) {
    return gotrueError(request, 422, 'email_exists', 'A user with this email address has already been registered');
  }
  const phone = params.phone ? validatePhone(params.phone) : '';
  if (phone === undefined) return gotrueError(request, 400, 'validation_failed', 'Invalid phone number format (E.164 required)');
  if (phone && store.list().some((user) => user.phone === phone)) {
    return gotrueError(request, 422, 'phone_exists', 'Phone number already registered by another user');
  }
  if (params.id !== undefined && !UUID_PATTERN.test(params.id)) {
    return gotrueError(request, 400, 'validation_failed', 'ID must conform to the uuid v4 format');
  }
  // A taken id fails on the primary key inside the transaction: a 500, not a 422.
  if (params.id !== undefined && store.has(params.id)) return gotrueError(request, 500, 'unexpected_failure', 'Database error creating new user');

  const now = new Date().toISOString();
  const user = store.add({
    ...(params.id ? { id: params.id } : {}),
    ...(params.password ? { password: params.password } : {}),
    email,
    phone,
    ...(params.role ? { role: params.role } : {}),
    user_metadata: params.user_metadata ?? {},
    app_metadata: params.app_metadata ?? {},
    created_at: now,
  });
  if (params.email_confirm) confirmEmail(user, now);
  if (params.phone_confirm) user.phone_confirmed_at = now;
  const banError = applyBan(request, user, params.ban_duration);
  return banError ?? { status: 200, body: user };
}

function updateUser(store: GoTrueUserStore, request: EmulatorRequest, user: GoTrueUser): EmulatorResponse {
  const parsed = parseAdminParams(request);
  if ('error' in parsed) return parsed.error;
  const params = parsed.params;
  const email = params.email ? validateEmail(params.email) : '';
  if (email === undefined) return gotrueError(request, 400, 'validation_failed', 'Unable to validate email address: invalid format');
  const phone = params.phone ? validatePhone(params.phone) : '';
  if (phone === undefined) return gotrueError(request, 400, 'validation_failed', 'Invalid phone number format (E.164 required)');
  // adminUserUpdate has no duplicate check; the unique index on auth.users.email fails the transaction (unconfirmed, api-facts §10).
  if (email && store.findByEmail(email, user.id)) return gotrueError(request, 500, 'unexpected_failure', 'Error updating user');

  const now = new Date().toISOString();
  const banError = applyBan(request, user, params.ban_duration);
  if (banError) return banError;
  if (params.role) user.role = params.role;
  if (params.email_confirm) confirmEmail(user, now);
  if (params.phone_confirm) user.phone_confirmed_at = now;
  if (email) setEmail(user, email, now);
  if (phone) user.phone = phone;
  if (params.password) store.setPassword(user.id, params.password);
  mergeMetadata(user.app_metadata, params.app_metadata);
  mergeMetadata(user.user_metadata, params.user_metadata);
  user.updated_at = now;
  return { status: 200, body: user };
}

function deleteUser(store: GoTrueUserStore, request: EmulatorRequest, user: GoTrueUser): EmulatorResponse {
  // An empty body means a hard delete; a body must be valid JSON.
  const body = request.rawBody.trim() === '' ? {} : request.json<{ should_soft_delete?: unknown }>();
  if (body === undefined || typeof body !== 'object' || body === null) {
    return gotrueError(request, 400, 'bad_json', 'Could not parse request body as JSON');
  }
  if (body.should_soft_delete === true) {
    // Soft-deleting twice changes nothing: GoTrue returns early when deleted_at is set.
    if (!user.deleted_at) softDelete(user, new Date().toISOString());
  } else {
    store.remove(user.id);
  }
  return { status: 200, body: {} };
}
