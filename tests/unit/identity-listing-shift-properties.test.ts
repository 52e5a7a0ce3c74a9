import { describe, expect, it } from 'vitest';
import type { SupabaseAuthConnector } from '../../core/connectors/supabase/supabase-auth.connector';
import type { SupabaseUser } from '../../core/connectors/supabase/supabase-user';
import { ConnectorError } from '../../core/connectors/shared/connector-error';
import { fillListingGaps, ListingShift } from '../../core/engines/identity/identity-gaps';
import { classifySpilled } from '../../core/engines/identity/identity-merge';
import { toIdentityRecord } from '../../core/engines/identity/identity-remote';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';
import { Prng } from '../helpers/prng';

/*
 * The identity check's listing is GoTrue's page mode: offsets over created_at
 * desc. Over random worlds where users are created (at the top) and removed
 * (anywhere) between pages, the check's invariant: no users row whose
 * Supabase user was live for the whole check is reported local-only (that
 * would propose deleting the row or re-creating the user), with or without
 * X-Total-Count, and no Supabase user is counted twice. Seeded: the same worlds every run.
 */
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const WORLDS = 200;

const user = (n: number): SupabaseUser => ({
  id: uuid(n),
  email: `u${n}@example.com`,
  name: null,
  emailVerified: true,
  role: 'authenticated',
  createdAt: new Date(n * 1000).toISOString(),
  updatedAt: null,
  deleted: false,
  deletedAt: null,
  bannedUntil: null,
  userMetadata: {},
  appMetadata: {},
});

/** A GoTrue listing (newest first, `perPage` a page) whose users change between pages. */
function churningRemote(random: Prng, live: SupabaseUser[], perPage: number, nextId: { n: number }, removed: Set<string>): SupabaseAuthConnector {
  // Some worlds answer without X-Total-Count (a proxy dropped it): the connector then gives null.
  const withTotal = random.chance(0.8);
  // Some worlds were bulk-imported (one created_at for all): Postgres gives ties no order, each page may sort them anew.
  const ties = random.chance(0.3);
  const listed = () => (ties ? [...live].sort(() => random.int(-1, 1)) : [...live].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
  return {
    async *listAllUsers() {
      for (let page = 1; ; page++) {
        const all = listed();
        const users = all.slice((page - 1) * perPage, page * perPage);
        yield { page, users, total: withTotal ? all.length || null : null };
        if (users.length < perPage) return;
        // Between pages: a few users come (at the top), a few go (anywhere).
        for (let k = random.int(0, 2); k > 0; k--) live.push(user(nextId.n++));
        for (let k = random.int(0, 3); k > 0 && live.length > 0; k--) {
          const [gone] = live.splice(random.int(0, live.length - 1), 1);
          if (gone) removed.add(gone.id);
        }
      }
    },
    async getUser(id: string) {
      const found = live.find((u) => u.id === id);
      if (!found) throw new ConnectorError('not-found', 'supabase', 'getUser: User not found', { status: 404, reason: 'user_not_found' });
      return found;
    },
  } as unknown as SupabaseAuthConnector;
}

describe('identity check over a listing that shifts between pages (seeded worlds)', () => {
  it(`reports no live user's row local-only and counts no user twice (${WORLDS} worlds)`, async () => {
    const random = new Prng(20261219);
    for (let w = 0; w < WORLDS; w++) {
      const people = random.int(0, 40);
      const live = Array.from({ length: people }, (_, n) => user(n));
      const nextId = { n: people };
      const removed = new Set<string>();
      // The users table: every original user, plus a few rows Supabase never had.
      const rows = [...live.map(toIdentityRecord), ...Array.from({ length: random.int(0, 3) }, (_, k) => toIdentityRecord(user(10_000 + k)))];
      const remote = churningRemote(random, live, random.int(1, 6), nextId, removed);
      // One world in ten builds its indexes as a large check does, on a worker thread.
      const spill = new IdentitySpill(w % 10 === 0 ? 0 : undefined);
      try {
        spill.addLocal(rows);
        const shift = new ListingShift();
        for await (const page of remote.listAllUsers()) {
          shift.observe(page.total);
          spill.addRemote(page.users.map(toIdentityRecord));
        }
        await spill.finishReading();
        if (shift.mayHaveSkipped(spill.remoteUsers + spill.deletedUsers)) await fillListingGaps(remote, spill, new AbortController().signal);
        const out = [];
        for await (const window of classifySpilled(spill, undefined, 7)) out.push(...window);
        const localOnly = out.filter((r) => r.status === 'local-only').map((r) => r.local?.id as string);
        // Rows of users live from start to end of the listing: never local-only.
        const liveThroughout = rows.map((r) => r.id).filter((id) => live.some((u) => u.id === id) && !removed.has(id));
        expect(localOnly.filter((id) => liveThroughout.includes(id)), `world ${w}`).toEqual([]);
        const remoteIds = out.flatMap((r) => (r.remote ? [r.remote.id] : []));
        expect(new Set(remoteIds).size, `world ${w}`).toBe(remoteIds.length);
      } finally {
        await spill.close();
      }
    }
  });
});
