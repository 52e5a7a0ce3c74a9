import { describe, expect, it } from 'vitest';
import { remoteEmails, type Sides } from '../../core/engines/identity/identity-apply';
import type { SupabaseAuthConnector } from '../../core/connectors/supabase/supabase-auth.connector';
import type { SupabaseUser, SupabaseUserPage } from '../../core/connectors/supabase/supabase-user';

const user = (n: number): SupabaseUser => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  email: `u${n}@example.com`,
  name: null,
  emailVerified: true,
  role: 'authenticated',
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: null,
  deleted: false,
  deletedAt: null,
  bannedUntil: null,
  lastSignInAt: null,
  userMetadata: {},
  appMetadata: {},
});

/** A connector whose successive listings give these pages (each listing a list of [users, total] pages). */
function sidesListing(listings: [number[], number][][]): { sides: Sides; listed: () => number } {
  let calls = 0;
  const remote = {
    async *listAllUsers(): AsyncGenerator<SupabaseUserPage> {
      const pages = listings[Math.min(calls, listings.length - 1)] ?? [];
      calls++;
      let page = 0;
      for (const [users, total] of pages) yield { page: ++page, users: users.map(user), total };
    },
  } as unknown as SupabaseAuthConnector;
  return { sides: { remote, signal: new AbortController().signal } as Sides, listed: () => calls };
}

describe('remoteEmails: the emails a repair checks before deleting a users row', () => {
  it('an unshifted listing is read once', async () => {
    const { sides, listed } = sidesListing([[[[1, 2], 3], [[3], 3]]]);
    expect([...(await remoteEmails(sides))].sort()).toEqual(['u1@example.com', 'u2@example.com', 'u3@example.com']);
    expect(listed()).toBe(1);
  });

  it('a listing whose total moved between pages (a user removed above the cursor skips one) is listed again', async () => {
    // u3 was skipped: u1 was removed between the pages, and page 2 started one user late.
    const { sides, listed } = sidesListing([
      [[[1, 2], 4], [[4], 3]],
      [[[2, 3], 3], [[4], 3]],
    ]);
    expect([...(await remoteEmails(sides))].sort()).toEqual(['u2@example.com', 'u3@example.com', 'u4@example.com']);
    expect(listed()).toBe(2);
  });

  it('fewer distinct users than the total (a bulk import at one instant reordered) is listed again too', async () => {
    const { sides, listed } = sidesListing([
      [[[1, 2], 4], [[2, 4], 4]],
      [[[1, 2], 4], [[3, 4], 4]],
    ]);
    expect((await remoteEmails(sides)).has('u3@example.com')).toBe(true);
    expect(listed()).toBe(2);
  });

  it('three shifted listings fail the repair before it deletes anything', async () => {
    const { sides, listed } = sidesListing([[[[1, 2], 4], [[4], 3]]]);
    await expect(remoteEmails(sides)).rejects.toThrow(/changed while the repair listed them, 3 times: no row was deleted/);
    expect(listed()).toBe(3);
  });
});
