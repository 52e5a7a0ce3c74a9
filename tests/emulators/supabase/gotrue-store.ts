import { newUser, type GoTrueUser, type SeedUser } from './gotrue-users';

/**
 * The emulator's users, kept in memory. Listing follows `FindUsersInAudience`:
 * every user of the audience, soft-deleted ones included, ordered by
 * `created_at desc`. Postgres leaves the order of equal timestamps open; the
 * emulator breaks ties by id so that a test sees one stable order.
 */
export class GoTrueUserStore {
  private readonly users = new Map<string, GoTrueUser>();
  /** Kept apart from the user: the admin API never shows a password. */
  private readonly passwords = new Map<string, string>();
  private sorted: GoTrueUser[] | undefined;

  add(seed: SeedUser): GoTrueUser {
    const user = newUser(seed);
    this.users.set(user.id, user);
    if (seed.password !== undefined) this.passwords.set(user.id, seed.password);
    this.sorted = undefined;
    return user;
  }

  setPassword(id: string, password: string): void {
    this.passwords.set(id.toLowerCase(), password);
  }

  password(id: string): string | undefined {
    return this.passwords.get(id.toLowerCase());
  }

  get(id: string): GoTrueUser | undefined {
    return this.users.get(id.toLowerCase());
  }

  has(id: string): boolean {
    return this.users.has(id.toLowerCase());
  }

  remove(id: string): boolean {
    this.sorted = undefined;
    this.passwords.delete(id.toLowerCase());
    return this.users.delete(id.toLowerCase());
  }

  /** `IsDuplicatedEmail`: another user of the audience already has this (lower-cased) email. */
  findByEmail(email: string, exceptId?: string): GoTrueUser | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) {
      if (user.email === wanted && user.id !== exceptId) return user;
    }
    return undefined;
  }

  /** All users in API order (created_at desc). */
  list(): GoTrueUser[] {
    this.sorted ??= [...this.users.values()].sort((a, b) =>
      a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1,
    );
    return this.sorted;
  }

  /**
   * One page in page mode: offset `(page - 1) * perPage`, no cap on `perPage`.
   * `filter` matches like GoTrue's `email LIKE %f% OR full_name ILIKE %f%`.
   */
  page(page: number, perPage: number, filter: string): { users: GoTrueUser[]; total: number } {
    const all = filter ? this.list().filter((user) => matches(user, filter)) : this.list();
    const start = (Math.max(page, 1) - 1) * perPage;
    return { users: all.slice(start, start + perPage), total: all.length };
  }
}

function matches(user: GoTrueUser, filter: string): boolean {
  const fullName = user.user_metadata.full_name;
  return user.email.includes(filter) || (typeof fullName === 'string' && fullName.toLowerCase().includes(filter.toLowerCase()));
}
