import { describe, expect, it } from 'vitest';
import { planPass } from '../../core/engines/storage-orphans/account-pass';
import { readAccount, type AccountState } from '../../core/engines/storage-orphans/account-state';
import { AccountWrites } from '../../core/engines/storage-orphans/account-writes';
import type { KeyValue } from '../../core/engines/storage-orphans/state-commits';
import { SeenRows, seenKey } from '../../core/engines/storage-orphans/seen-rows';

/*
 * Attack s23 (commit 301f82f): a pass that keeps no cursor forgets the stored seen set through the check's
 * AccountWrites (the blanked chunks and heads, then the account's state, in one ordered write that may span
 * several commits). A process killed after ANY commit must leave a pair the next check can trust: either the
 * old cursor with the old set whole (a delta from there is what the old pass promised), the old cursor with no
 * loadable set (a full pass), or no cursor. Never the old cursor with a set that loads but is not the old one.
 * Sets are built with many small chunks so the forget spans several commits (256 entries a commit).
 */
function store(perKey = false): KeyValue & { map: Map<string, string>; commitsLeft: number; commits: number } {
  const map = new Map<string, string>();
  const kv: KeyValue & { map: Map<string, string>; commitsLeft: number; commits: number } = {
    map,
    commits: 0,
    commitsLeft: Number.POSITIVE_INFINITY,
    get: <T>(key: string) => Promise.resolve(map.has(key) ? (JSON.parse(map.get(key) as string) as T) : undefined),
    async set(key: string, value: unknown) {
      if (kv.commitsLeft-- <= 0) throw new Error('killed');
      kv.commits++;
      map.set(key, JSON.stringify(value));
    },
    async setMany(entries: readonly (readonly [string, unknown])[]) {
      if (kv.commitsLeft-- <= 0) throw new Error('killed');
      kv.commits++;
      for (const [key, value] of entries) map.set(key, JSON.stringify(value));
    },
  };
  // Stricter than any store: every key its own commit (a kill may land between any two keys).
  if (perKey) delete kv.setMany;
  return kv;
}

const USERS = ['u1', 'u2', 'u3'];
const NOW = new Date('2026-12-05T12:00:00Z');
const stateOf = (userId: string, cursor: string | null): AccountState => ({
  userId,
  provider: 'google',
  email: null,
  name: null,
  autoSync: true,
  deleteAfterSync: false,
  files: 600,
  remoteFiles: 1500,
  status: 'ok',
  message: null,
  lastCheckAt: '2026-12-05T11:00:00.000Z',
  lastRunId: 1,
  cursor,
  lastFullAt: '2026-12-05T11:00:00.000Z',
});

/** A stored set in `chunks` small chunks, today's keys or (older) NUL-separated ones. */
function writeSet(kv: ReturnType<typeof store>, userId: string, chunks: number, older: boolean): Set<string> {
  const keys: string[] = [];
  for (let c = 0; c < chunks; c++) {
    const chunk = [`r${c}a`, `r${c}b`].map((row) => (older ? `${row}\u0000f-${row}` : seenKey(row, `f-${row}`)));
    kv.map.set(`${older ? 'seen' : 'seen2'}:${userId}:google:${c}`, JSON.stringify(chunk));
    keys.push(...chunk);
  }
  kv.map.set(`${older ? 'seen' : 'seen2'}:${userId}:google`, JSON.stringify({ chunks, count: keys.length }));
  return new Set(keys.map((k) => (k.includes('\u0000') ? seenKey(k.slice(0, k.indexOf('\u0000')), k.slice(k.indexOf('\u0000') + 1)) : k)));
}

describe('attack s23: killed while a pass that keeps no cursor forgets its seen set', () => {
  for (const [layout, perKey] of [['today', false], ['older', false], ['both', false], ['today', true], ['older', true], ['both', true]] as const) {
    it(`after any commit, no account pairs its old cursor with a set other than its old one (${layout} set${perKey ? ', a commit per key' : ''})`, async () => {
      const base = store();
      const before = new Map<string, Set<string>>();
      for (const [i, user] of USERS.entries()) {
        base.map.set(`account:${user}:google`, JSON.stringify(stateOf(user, `C-${user}`)));
        // Three accounts, sets of 300, 120 and 40 chunks; with `both`, an older set left beside today's (a crash mid-move).
        const chunks = [300, 120, 40][i] as number;
        if (layout !== 'older') before.set(user, writeSet(base, user, chunks, false));
        if (layout !== 'today') {
          const older = writeSet(base, user, chunks + 7, true);
          if (layout === 'older') before.set(user, older);
        }
      }
      let total: number | undefined;
      for (let crashAfter = 0; ; crashAfter++) {
        const kv = store(perKey);
        for (const [k, v] of base.map) kv.map.set(k, v);
        kv.commitsLeft = crashAfter;
        const writes = new AccountWrites(kv, { flush: async () => {} });
        let killed = false;
        try {
          for (const user of USERS) {
            const read = (await readAccount(kv, user, 'google')) as AccountState;
            const write = writes.begin(user, 'google', read);
            const seen = new SeenRows(kv, user, 'google', write.seenWriter);
            expect(await seen.load()).toEqual(before.get(user));
            // u2's pass keeps a cursor and examined another set; u1 and u3 keep none (they forget).
            if (user === 'u2') await seen.save([seenKey('new', 'f-new')], before.get(user));
            else await seen.forget();
            await write.done({ cursor: user === 'u2' ? 'C-new' : null, lastFullAt: NOW.toISOString(), lastCheckAt: NOW.toISOString(), lastRunId: 2 });
          }
          await writes.close();
        } catch (error) {
          expect((error as Error).message).toBe('killed');
          killed = true;
        }
        for (const user of USERS) {
          const state = (await readAccount(kv, user, 'google')) as AccountState;
          const loaded = await new SeenRows(kv, user, 'google').load();
          const ctx = `${layout}, killed after ${crashAfter} commits: ${user} cursor ${state.cursor}`;
          // u2 (a save, not a forget): its new set beside its old cursor is safe too (examined after that cursor was taken).
          if (state.cursor === `C-${user}`) expect(user === 'u2' ? [undefined, before.get(user), new Set([seenKey('new', 'f-new')])] : [undefined, before.get(user)], ctx).toContainEqual(loaded);
          else if (state.cursor === 'C-new') expect(loaded, ctx).toEqual(new Set([seenKey('new', 'f-new')]));
          else expect(state.cursor, ctx).toBeNull();
          const plan = planPass(state, { full: false, now: NOW, fullPassHours: 24, seenKnown: loaded !== undefined });
          if (plan.pass === 'delta') expect([`C-${user}`, 'C-new'], ctx).toContain(state.cursor);
        }
        if (!killed) {
          total = crashAfter;
          // Run to the end: the forgetting accounts keep no set and no cursor, the other its new pair.
          for (const user of ['u1', 'u3']) expect(await new SeenRows(kv, user, 'google').load(), user).toBeUndefined();
          break;
        }
      }
      // The write really spanned several commits (so the kills landed between its parts).
      expect(total ?? 0).toBeGreaterThanOrEqual(2);
    });
  }
});
