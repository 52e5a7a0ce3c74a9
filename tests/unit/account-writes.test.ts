import { describe, expect, it } from 'vitest';
import type { NewFinding } from '../../core/store/findings.repo';
import type { FindingsRepository } from '../../core/store/findings.repo';
import { BufferedFindingSink } from '../../core/runs/finding-sink';
import type { AccountState } from '../../core/engines/storage-orphans/account-state';
import type { KeyValue } from '../../core/engines/storage-orphans/state-commits';
import { AccountWrites } from '../../core/engines/storage-orphans/account-writes';
import { SeenRows, seenKey } from '../../core/engines/storage-orphans/seen-rows';
import { Prng } from '../helpers/prng';

/*
 * account-writes.ts: a check's account states and seen sets are written after the findings added before them,
 * a few accounts a commit, in the order they were given. The log below records every commit of either kind, so
 * the invariant is checked at every point a process could die (after any commit).
 */
type Event = { kind: 'findings'; subjects: string[] } | { kind: 'state'; keys: string[] };

function world() {
  const log: Event[] = [];
  const map = new Map<string, string>();
  const kv: KeyValue = {
    get: <T>(key: string) => Promise.resolve(map.has(key) ? (JSON.parse(map.get(key) as string) as T) : undefined),
    async set(key, value) {
      await kv.setMany?.([[key, value]]);
    },
    async setMany(entries) {
      // A store answers later than at once: other accounts go on meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      for (const [key, value] of entries) map.set(key, JSON.stringify(value));
      log.push({ kind: 'state', keys: entries.map(([key]) => key) });
    },
  };
  let failNext = false;
  const repo = {
    async insertMany(_runId: number, _engine: string, findings: NewFinding[]) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (failNext) {
        failNext = false;
        throw new Error('disk I/O error');
      }
      log.push({ kind: 'findings', subjects: findings.map((f) => f.subject) });
    },
  } as unknown as FindingsRepository;
  const sink = new BufferedFindingSink(repo, 1, 'storage-orphans', () => '2026-12-04T00:00:00.000Z', 'all', 7);
  return { log, map, kv, sink, failNextInsert: () => (failNext = true) };
}

const state = (userId: string): AccountState => ({ userId, provider: 'dropbox', email: null, name: null, autoSync: true, deleteAfterSync: false, files: 0, remoteFiles: null, status: 'never-checked', message: null, lastCheckAt: null, lastRunId: null, cursor: null });

/** Each account's findings are committed before its state or any key of its seen set, at every commit. */
function expectFindingsFirst(log: readonly Event[], findingsOf: Map<string, string[]>): void {
  const stored = new Set<string>();
  for (const event of log) {
    if (event.kind === 'findings') for (const subject of event.subjects) stored.add(subject);
    else
      for (const key of event.keys) {
        const user = key.split(':')[1] as string;
        for (const subject of findingsOf.get(user) ?? []) expect(stored.has(subject), `${key} committed before ${subject}`).toBe(true);
      }
  }
}

describe('AccountWrites', () => {
  it('over random accounts, batch sizes and interleavings: no state or seen key commits before its findings; every account ends written once', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = new Prng(seed);
      const { log, map, kv, sink } = world();
      const writes = new AccountWrites(kv, sink);
      const users = Array.from({ length: random.int(1, 60) }, (_, i) => `u${i}`);
      for (const user of users) map.set(`account:${user}:dropbox`, JSON.stringify(state(user)));
      const findingsOf = new Map<string, string[]>();
      let next = 0;
      const worker = async () => {
        while (next < users.length) {
          const user = users[next++] as string;
          const write = writes.begin(user, 'dropbox', state(user));
          const seen = new SeenRows(kv, user, 'dropbox', write.seenWriter);
          await seen.load();
          const subjects = Array.from({ length: random.int(0, 9) }, (_, i) => `file:${user}-${i}`);
          findingsOf.set(user, subjects);
          for (const subject of subjects) {
            await sink.add({ subject, kind: 'orphan', reason: 'gone', proposedAction: 'quarantine' } as NewFinding);
            if (random.chance(0.3)) await new Promise((resolve) => setImmediate(resolve));
          }
          await seen.save(Array.from({ length: random.int(0, 6_000) }, (_, i) => seenKey(`${user}-${i}`, `f${i}`)));
          await write.done({ status: 'ok', lastFullAt: 'now', cursor: `c-${user}` });
        }
      };
      await Promise.all(Array.from({ length: random.int(1, 5) }, worker));
      await writes.close();
      expectFindingsFirst(log, findingsOf);
      for (const user of users) {
        expect(JSON.parse(map.get(`account:${user}:dropbox`) as string), `seed ${seed}`).toMatchObject({ status: 'ok', cursor: `c-${user}`, userId: user });
        const loaded = await new SeenRows(kv, user, 'dropbox').load();
        expect(loaded, `seed ${seed}: ${user}'s seen set`).toBeDefined();
      }
    }
  });

  it('writes sixteen accounts in one commit, not two per account, and merges into the state stored at write time', async () => {
    const { log, map, kv, sink } = world();
    const writes = new AccountWrites(kv, sink);
    for (let i = 0; i < 16; i++) map.set(`account:u${i}:dropbox`, JSON.stringify(state(`u${i}`)));
    const read = { ...state('u0'), files: 40 };
    map.set('account:u0:dropbox', JSON.stringify(read));
    for (let i = 0; i < 15; i++) {
      const write = writes.begin(`u${i}`, 'dropbox', i === 0 ? read : state(`u${i}`));
      const seen = new SeenRows(kv, `u${i}`, 'dropbox', write.seenWriter);
      await seen.load();
      await seen.save([seenKey(`r${i}`, `f${i}`)]);
      await write.done({ cursor: `c${i}`, files: i === 0 ? 40 : 1, lastCheckAt: '2026-12-04T10:00:00.000Z' });
    }
    expect(log).toEqual([]);
    // A repair quarantined a row of u0 meanwhile (40 → 39): the check's count keeps that move.
    map.set('account:u0:dropbox', JSON.stringify({ ...read, files: 39 }));
    await writes.begin('u15', 'dropbox', state('u15')).done({ cursor: 'c15' });
    expect(log.filter((e) => e.kind === 'state')).toHaveLength(1);
    expect(JSON.parse(map.get('account:u0:dropbox') as string)).toMatchObject({ files: 39, cursor: 'c0' });
  });

  it("drops an account's state and seen set when another check concluded on it later, keeps them when that one concluded earlier", async () => {
    const { map, kv, sink } = world();
    const writes = new AccountWrites(kv, sink);
    for (const user of ['later', 'earlier']) map.set(`account:${user}:dropbox`, JSON.stringify(state(user)));
    const begun = ['later', 'earlier'].map((user) => ({ user, write: writes.begin(user, 'dropbox', state(user)) }));
    for (const { user, write } of begun) {
      const seen = new SeenRows(kv, user, 'dropbox', write.seenWriter);
      await seen.load();
      await seen.save([seenKey('mine', 'f')]);
      await write.done({ cursor: 'mine', status: 'ok', lastCheckAt: '2026-12-04T10:00:00.000Z', lastRunId: 1 });
    }
    // A one-user check (run 2) wrote its own conclusion on both meanwhile: after this one on `later`, before it on `earlier`.
    map.set('account:later:dropbox', JSON.stringify({ ...state('later'), cursor: 'theirs', status: 'needs-reconnect', lastCheckAt: '2026-12-04T10:00:05.000Z', lastRunId: 2 }));
    map.set('account:earlier:dropbox', JSON.stringify({ ...state('earlier'), cursor: 'theirs', lastCheckAt: '2026-12-04T09:59:55.000Z', lastRunId: 2 }));
    await writes.close();
    expect(JSON.parse(map.get('account:later:dropbox') as string)).toMatchObject({ cursor: 'theirs', status: 'needs-reconnect', lastRunId: 2 });
    expect(map.has('seen2:later:dropbox')).toBe(false);
    expect(JSON.parse(map.get('account:earlier:dropbox') as string)).toMatchObject({ cursor: 'mine', status: 'ok', lastRunId: 1 });
    expect(map.has('seen2:earlier:dropbox')).toBe(true);
  });

  it('an unchanged seen set is written only where another check wrote the account since (it may have dropped the set)', async () => {
    for (const otherWrote of [false, true]) {
      const { log, map, kv, sink } = world();
      const read = { ...state('u1'), cursor: 'c0', lastCheckAt: '2026-12-04T00:00:00.000Z', lastRunId: 5 };
      map.set('account:u1:dropbox', JSON.stringify(read));
      const keys = [seenKey('r1', 'f1'), seenKey('r2', 'f2')];
      await new SeenRows(kv, 'u1', 'dropbox').save(keys);
      const writes = new AccountWrites(kv, sink);
      const write = writes.begin('u1', 'dropbox', read);
      const seen = new SeenRows(kv, 'u1', 'dropbox', write.seenWriter);
      const loaded = await seen.load();
      // Another check (concluding earlier than this one) kept no cursor, so it dropped the set.
      if (otherWrote) {
        await new SeenRows(kv, 'u1', 'dropbox').forget();
        map.set('account:u1:dropbox', JSON.stringify({ ...read, cursor: null, lastCheckAt: '2026-12-04T00:00:01.000Z', lastRunId: 6 }));
      }
      const before = log.length;
      await seen.save([...keys].reverse(), loaded);
      await write.done({ cursor: 'c1', lastCheckAt: '2026-12-04T00:00:02.000Z', lastRunId: 7 });
      await writes.close();
      const written = log.slice(before).flatMap((e) => (e.kind === 'state' ? e.keys : []));
      expect(written.filter((key) => key.startsWith('seen2:')), `another check wrote: ${otherWrote}`).toEqual(otherWrote ? ['seen2:u1:dropbox:0', 'seen2:u1:dropbox'] : []);
      expect(await new SeenRows(kv, 'u1', 'dropbox').load()).toEqual(new Set(keys));
      expect(JSON.parse(map.get('account:u1:dropbox') as string)).toMatchObject({ cursor: 'c1' });
    }
  });

  it('writes nothing once closed: an account a worker finishes after its run ended is not recorded', async () => {
    const { map, kv, sink, log } = world();
    const writes = new AccountWrites(kv, sink);
    map.set('account:late:dropbox', JSON.stringify(state('late')));
    const write = writes.begin('late', 'dropbox', state('late'));
    await writes.close();
    await write.done({ cursor: 'c', lastCheckAt: '2026-12-04T10:00:00.000Z' });
    await writes.flush();
    expect(log).toEqual([]);
    expect(JSON.parse(map.get('account:late:dropbox') as string)).toMatchObject({ cursor: null });
  });

  it('an account removed from the roster meanwhile is not written back', async () => {
    const { map, kv, sink } = world();
    const writes = new AccountWrites(kv, sink);
    await writes.begin('gone', 'dropbox', state('gone')).done({ cursor: 'c' });
    await writes.close();
    expect(map.has('account:gone:dropbox')).toBe(false);
  });

  it('after a findings batch failed, no later state is written: the findings it lost would be hidden by it', async () => {
    const { log, map, kv, sink, failNextInsert } = world();
    const writes = new AccountWrites(kv, sink);
    map.set('account:u1:dropbox', JSON.stringify(state('u1')));
    failNextInsert();
    // The seventh finding fills the sink's batch (7 here) and its write fails.
    const adds = Array.from({ length: 7 }, (_, i) => sink.add({ subject: `file:${i}`, kind: 'orphan', reason: 'gone', proposedAction: 'quarantine' } as NewFinding));
    await expect(Promise.all(adds)).rejects.toThrow('disk I/O error');
    await sink.add({ subject: 'file:later', kind: 'orphan', reason: 'gone', proposedAction: 'quarantine' } as NewFinding);
    await writes.begin('u1', 'dropbox', state('u1')).done({ cursor: 'c' });
    await expect(writes.close()).rejects.toThrow('disk I/O error');
    expect(log.filter((e) => e.kind === 'state')).toEqual([]);
    expect(JSON.parse(map.get('account:u1:dropbox') as string)).toMatchObject({ cursor: null });
  });
});

describe('BufferedFindingSink.flush', () => {
  it('resolves only after a batch another caller cut is committed', async () => {
    const { log, sink } = world();
    const filling = Array.from({ length: 7 }, (_, i) => sink.add({ subject: `file:${i}`, kind: 'orphan', reason: 'gone', proposedAction: 'quarantine' } as NewFinding));
    // The buffer was just cut by the seventh add and its write is in flight; the buffer itself is empty.
    await sink.flush();
    expect(log).toEqual([{ kind: 'findings', subjects: Array.from({ length: 7 }, (_, i) => `file:${i}`) }]);
    await Promise.all(filling);
  });
});
