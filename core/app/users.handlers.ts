import { ApiError } from '../api/errors';
import type { ScheduleScope } from '../api/schedules';
import { findUser } from '../appdb/find-user';
import { lookupPeople, NoUsersTable, readUsersTable, searchPeople } from '../appdb/people';
import { ProductDbUnavailable } from '../appdb/product-db';
import type { HandlerTable } from '../engines/engine-policies';
import type { AppServices } from './services';

/**
 * People instead of ids: the console's lookups of the product's users table.
 * Without a product database nothing is found and `unavailable` says why (the
 * console then shows ids as given); a broken one is an error.
 */
export function createUserHandlers(app: Pick<AppServices, 'connections'>): Pick<HandlerTable, 'users.lookup' | 'users.search'> {
  const orUnavailable = async <T>(work: () => Promise<T[]>): Promise<{ found: T[]; unavailable: string | null }> => {
    try {
      return { found: await work(), unavailable: null };
    } catch (error) {
      if (error instanceof ProductDbUnavailable || error instanceof NoUsersTable) return { found: [], unavailable: error.message };
      throw error;
    }
  };
  return {
    'users.lookup': async ({ keys }) => {
      const { found, unavailable } = await orUnavailable(() => app.connections.withAppDb(({ db, mapping }) => readUsersTable(db, mapping, () => lookupPeople(db, mapping, keys))));
      return { users: found, unavailable };
    },
    'users.search': async ({ query, limit }) => {
      const { found, unavailable } = await orUnavailable(() => app.connections.withAppDb(({ db, mapping }) => readUsersTable(db, mapping, () => searchPeople(db, mapping, query, limit))));
      return { users: found, unavailable };
    },
  };
}

/**
 * A schedule of one user names a user of the product database, checked when
 * it is saved (not at its first firing): an email is kept as that user's id,
 * a value naming nobody (or several) is refused naming the value. Without a
 * product database there is nothing to check against: the scope is kept as
 * given and each run says what is missing (as the CLI's `--user` does); nor
 * in one without a users table (a product keeping only settings).
 */
export async function resolveScheduleUser(app: Pick<AppServices, 'connections'>, scope: ScheduleScope): Promise<ScheduleScope> {
  if (scope.kind !== 'user' && scope.kind !== 'provider') return scope;
  const value = scope.userId;
  const refuse = (message: string): never => {
    throw new ApiError('invalid-input', `Invalid schedule: ${message}.`, { issues: [{ path: ['scope', 'userId'], code: 'custom', message }] });
  };
  let found: Awaited<ReturnType<typeof findUser>>;
  try {
    found = await app.connections.withAppDb(({ db, mapping }) => readUsersTable(db, mapping, () => findUser(db, mapping, value)));
  } catch (error) {
    if (error instanceof ProductDbUnavailable || error instanceof NoUsersTable) return scope;
    throw new ApiError('unavailable', `Cannot check the user "${value}" in the product database: ${error instanceof Error ? error.message : String(error)}`, { userId: value });
  }
  if (found === undefined) return refuse(`there is no user "${value}" in the product database (pick a user by email or name)`);
  if (found === 'ambiguous') return refuse(`"${value}" is the email of several users (spelt in other cases): pick the user by id`);
  if (found === 'id-and-email') return refuse(`"${value}" is one user's id and another user's email: pick the user from the list`);
  return { ...scope, userId: found.id };
}

/**
 * The other spellings of one user an audit search should match too: its id for an email, its email for
 * an id (a storage quarantine names its files' owners by id only). None when the product database does
 * not know the value or cannot be read: the search then matches the value as typed, as before.
 */
export async function userAliases(app: Pick<AppServices, 'connections'>, value: string | undefined): Promise<string[]> {
  const key = value?.trim();
  if (!key) return [];
  try {
    const found = await app.connections.withAppDb(({ db, mapping }) => readUsersTable(db, mapping, () => lookupPeople(db, mapping, [key])));
    return found.flatMap(({ user }) => [user.id, ...(user.email ? [user.email] : [])]);
  } catch {
    return [];
  }
}
