import { startEmulator, type RunningEmulator } from '../shared/emulator';
import type { AdminKeys } from './gotrue-http';
import { gotrueAdminRoutes } from './gotrue-routes';
import { GoTrueUserStore } from './gotrue-store';
import { gotrueSignInRoute } from './gotrue-signin';
import type { GoTrueUser, SeedUser } from './gotrue-users';
import defaultSeed from './seed.json';

export { SUPABASE_ROUTES } from './gotrue-routes';
export { SIGN_IN_ROUTE } from './gotrue-signin';
export { gotrueFault, rateLimitFault } from './gotrue-http';
export type { GoTrueUser, SeedUser } from './gotrue-users';

/** The seed fixture (see README.md): the two project keys and the users present at start. */
export interface SupabaseSeed extends AdminKeys {
  users: SeedUser[];
}

/**
 * A Supabase Auth (GoTrue) admin API on an ephemeral 127.0.0.1 port. Point
 * supabase-js at `url` (it appends `/auth/v1`). Besides the shared counts and
 * fault scripts, tests can change users directly, bypassing the API and its counts.
 */
export interface SupabaseEmulator extends RunningEmulator {
  readonly serviceRoleKey: string;
  readonly anonKey: string;
  /** Inserts a user as if it had been created elsewhere (no request counted). */
  addUser(seed: SeedUser): GoTrueUser;
  /** Hard-removes a user directly; false when it did not exist. */
  removeUser(id: string): boolean;
  /** The stored user, soft-deleted ones included. */
  getUser(id: string): GoTrueUser | undefined;
  /** Every stored user in API order (created_at desc), soft-deleted ones included. */
  listUsers(): GoTrueUser[];
}

export async function startSupabaseEmulator(seed: SupabaseSeed = defaultSeed): Promise<SupabaseEmulator> {
  const store = new GoTrueUserStore();
  for (const user of seed.users) store.add(user);
  const keys: AdminKeys = { serviceRoleKey: seed.serviceRoleKey, anonKey: seed.anonKey };
  const emulator = await startEmulator({ name: 'supabase', routes: [...gotrueAdminRoutes(store, keys), gotrueSignInRoute(store, keys)] });
  return Object.assign(emulator, {
    serviceRoleKey: keys.serviceRoleKey,
    anonKey: keys.anonKey,
    addUser: (user: SeedUser) => store.add(user),
    removeUser: (id: string) => store.remove(id),
    getUser: (id: string) => store.get(id),
    listUsers: () => [...store.list()],
  });
}
