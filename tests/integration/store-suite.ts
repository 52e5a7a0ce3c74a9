import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../core/store/store';
import type { ScheduleFields } from '../../core/store/schedules.repo';
import { SheetSourcesRepository } from '../../core/store/sheet-sources.repo';
import { DEFAULT_SETTINGS } from '../../core/store/settings.repo';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';

/**
 * The console store's repositories, one suite for both dialects (the appdb-suite pattern):
 * store-sqlite.test.ts and store-postgres.test.ts run it, so portable SQL that behaves
 * differently on one of them fails here. `fresh` gives an empty store before each test.
 */
export interface StoreSuiteTarget {
  dialect: 'sqlite' | 'postgres';
  fresh(): Promise<Store>;
  /** A second store (its own connection or pool) on the same data, for races. */
  twin(): Promise<Store>;
}

const T0 = '2026-12-02T10:00:00.000Z';
const T1 = '2026-12-02T10:01:00.000Z';

export function storeSuite(target: StoreSuiteTarget): void {
  let store: Store;
  beforeEach(async () => {
    store = await target.fresh();
  });

  const queued = (scope: string, engine = 'toy') =>
    store.runs.insertQueued({ engine, scope, trigger: 'cli', params: { n: 1 }, ownerPid: 42, ownerId: 'host/42/a', ownerHost: 'host', leaseExpiresAt: T1, now: T0 });

  describe(`console store on ${target.dialect}`, () => {
    it('opens at the latest schema version on the expected dialect', async () => {
      expect(store.db.dialect).toBe(target.dialect);
      expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    });

    it('single flight: a second request for an active scope joins it; a finished scope takes a new run', async () => {
      const first = await queued('user:ada');
      expect(first).toEqual({ id: expect.any(Number), alreadyRunning: false });
      expect(await queued('user:ada')).toEqual({ id: first.id, alreadyRunning: true });
      expect((await queued('user:bob')).alreadyRunning).toBe(false);
      expect(await store.runs.transition(first.id, ['queued'], 'running', { startedAt: T0 }, T0)).toBe(true);
      expect(await queued('user:ada')).toEqual({ id: first.id, alreadyRunning: true });
      expect(await store.runs.transition(first.id, ['running'], 'succeeded', { finishedAt: T1, result: { ok: 1 } }, T1)).toBe(true);
      const next = await queued('user:ada');
      expect(next.alreadyRunning).toBe(false);
      expect(next.id).toBeGreaterThan(first.id);
    });

    it('single flight inside a transaction: the joined request does not abort the transaction', async () => {
      const first = await queued('user:tx');
      const joined = await store.transaction(async (tx) => {
        const again = await tx.runs.insertQueued({ engine: 'toy', scope: 'user:tx', trigger: 'cli', params: {}, ownerPid: 1, now: T0 });
        await tx.runEvents.append(again.id, 'message', 'joined', T0);
        return again;
      });
      expect(joined).toEqual({ id: first.id, alreadyRunning: true });
      expect((await store.runEvents.list(first.id)).map((e) => e.message)).toEqual(['joined']);
    });

    it('runs: transitions are guarded, a finished run never moves, patches and lists round-trip', async () => {
      const { id } = await queued('all');
      expect(await store.runs.transition(id, ['running'], 'succeeded', {}, T0)).toBe(false);
      await store.runs.transition(id, ['queued'], 'running', { startedAt: T0 }, T0);
      await store.runs.saveProgress(id, { phase: 'scan', done: 3, total: 10 } as never, { drive: 5 }, T1);
      await store.runs.transition(id, ['running'], 'failed', { error: { code: 'boom', message: 'Ünïcode ✓' }, finishedAt: T1 }, T1);
      expect(await store.runs.transition(id, ['running', 'queued'], 'cancelled', {}, T1)).toBe(false);
      const run = await store.runs.get(id);
      expect(run).toMatchObject({ id, state: 'failed', params: { n: 1 }, apiCalls: { drive: 5 }, error: { code: 'boom', message: 'Ünïcode ✓' }, startedAt: T0, finishedAt: T1 });
      const page = await store.runs.list({ engine: 'toy', states: ['failed'], limit: 10, offset: 0 });
      expect(page.total).toBe(1);
      expect(typeof page.total).toBe('number');
      expect(page.items.map((r) => r.id)).toEqual([id]);
      expect((await store.runs.list({ from: '2026-12-02T11:00:00+01:00', limit: 10, offset: 0 })).total).toBe(1);
    });

    it('runs: heartbeats renew only our active runs; cancel requests and interrupts are compare-and-set', async () => {
      const a = (await queued('a')).id;
      const b = (await queued('b')).id;
      expect(await store.runs.heartbeat([a, b], T1, { ownerId: 'host/42/a', expiresAt: T1 })).toEqual([]);
      expect(await store.runs.heartbeat([a], T1, { ownerId: 'someone-else', expiresAt: T1 })).toEqual([a]);
      expect(await store.runs.requestCancel(a, T1)).toBe(true);
      expect(await store.runs.cancelRequested([a, b])).toEqual([a]);
      expect(await store.runs.interrupt(b, T0, {}, T1)).toBe(false);
      expect(await store.runs.interrupt(b, T1, { error: { code: 'gone', message: 'owner gone' } }, T1)).toBe(true);
      expect((await store.runs.activeOwners()).map((o) => o.id)).toEqual([a]);
    });

    it('runs: a stale owner whose run another worker adopted can neither save progress nor end it', async () => {
      const id = (await queued('stale')).id;
      const A = { pid: 1, id: 'worker-a', host: 'ha' };
      const B = { pid: 2, id: 'worker-b', host: 'hb' };
      expect((await store.runs.adopt(id, A, T1, T0)).outcome).toBe('adopted');
      expect(await store.runs.transition(id, ['queued'], 'running', { startedAt: T0 }, T0, A.id)).toBe(true);
      // A stalls past its lease (T1); B adopts the running run.
      const later = '2026-12-02T10:02:00.000Z';
      expect(await store.runs.adopt(id, B, '2026-12-02T10:03:00.000Z', later)).toMatchObject({ outcome: 'adopted', previousOwner: A.id });
      // A wakes: every owner-side write is refused, B's run is untouched.
      expect(await store.runs.saveProgress(id, { runId: id, engine: 'toy', phase: 'x', percent: 99, done: 99, total: 100, message: 'stale' } as never, {}, later, A.id)).toBe(false);
      expect(await store.runs.transition(id, ['running'], 'succeeded', { finishedAt: later, result: { stale: true } }, later, A.id)).toBe(false);
      expect(await store.runs.transition(id, ['running'], 'cancelled', { finishedAt: later }, later, A.id)).toBe(false);
      expect(await store.runs.heartbeat([id], later, { ownerId: A.id, expiresAt: T1 })).toEqual([id]);
      expect(await store.runs.ownerOf(id)).toBe(B.id);
      const run = await store.runs.get(id);
      expect(run).toMatchObject({ state: 'running', result: null, progress: null });
      // B, the owner, ends it.
      expect(await store.runs.saveProgress(id, { runId: id, engine: 'toy', phase: 'x', percent: 50, done: 1, total: 2, message: 'b' } as never, {}, later, B.id)).toBe(true);
      expect(await store.runs.transition(id, ['running'], 'succeeded', { finishedAt: later, result: { ok: 1 } }, later, B.id)).toBe(true);
    });

    it(`runs: leases are judged by ${target.dialect === 'postgres' ? "the database's clock" : "this machine's clock"}`, async () => {
      const clock = await store.runs.leaseClock();
      if (target.dialect === 'sqlite') expect(clock).toBeUndefined();
      else {
        const db = await store.db.get<{ now: string }>(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now`);
        expect(clock?.toISOString()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(Math.abs((clock?.getTime() ?? 0) - Date.parse(db?.now ?? ''))).toBeLessThan(5_000);
      }
    });

    it('findings: one open finding per subject is updated in place; details merge as RFC 7396; search escapes wildcards', async () => {
      const run = (await queued('all', 'storage')).id;
      await store.findings.insertMany(run, 'storage', [
        { subject: 'file:1', userEmail: 'Ada@Example.com', kind: 'orphan', reason: 'first', proposedAction: 'quarantine', details: { size: 1, keep: { a: 1, b: 2 } } },
        { subject: 'file:2', userEmail: 'bob@example.com', kind: 'orphan', reason: '50% Plain done_x', proposedAction: 'quarantine' },
      ], T0);
      await store.findings.insertMany(run, 'storage', [{ subject: 'file:1', userEmail: 'Ada@Example.com', kind: 'orphan', reason: 'again', proposedAction: 'quarantine', details: { size: 2, keep: { a: 1, b: 2 } } }], T1);
      const open = await store.findings.open('storage');
      expect(open).toHaveLength(2);
      const first = open.find((f) => f.subject === 'file:1')!;
      expect(first.reason).toBe('again');
      expect(await store.findings.update([first.id], { details: { size: null, keep: { b: null, c: 3 }, note: 'x' } }, T1, 'storage')).toBe(1);
      expect((await store.findings.byIds([first.id]))[0]!.details).toEqual({ keep: { a: 1, c: 3 }, note: 'x' });
      expect((await store.findings.open('storage', 'ada@example.COM')).map((f) => f.subject)).toEqual(['file:1']);
      const filter = { limit: 10, offset: 0, sort: 'createdAt', direction: 'desc' } as const;
      expect((await store.findings.list({ ...filter, search: '50%' } as never)).total).toBe(1);
      expect((await store.findings.list({ ...filter, search: '%' } as never)).total).toBe(1);
      expect((await store.findings.list({ ...filter, search: 'done_' } as never)).total).toBe(1);
      expect((await store.findings.list({ ...filter, search: 'PLAIN' } as never)).total).toBe(1);
      expect((await store.findings.list({ ...filter, search: 'done%' } as never)).total).toBe(0);
      expect((await store.findings.list({ ...filter, search: 'don_' } as never)).total).toBe(0);
      expect(await store.findings.countOpen('storage')).toBe(2);
      expect(await store.findings.openCountsByUserAndKind('storage')).toEqual(expect.arrayContaining([{ userEmail: 'Ada@Example.com', kind: 'orphan', n: 1 }]));
    });

    it('findings: details holding U+0000 (a foreign page quoted in a message) are kept and patched on both dialects', async () => {
      const run = (await queued('all', 'storage')).id;
      await store.findings.insertMany(run, 'storage', [{ subject: 'file:nul', kind: 'orphan', reason: 'r', proposedAction: 'quarantine', details: { name: 'a\u0000b' } }], T0);
      const [finding] = await store.findings.open('storage');
      expect(await store.findings.update([finding!.id], { details: { restoreError: 'page\u0000body' } }, T1, 'storage')).toBe(1);
      expect((await store.findings.byIds([finding!.id]))[0]!.details).toEqual({ name: 'a\u0000b', restoreError: 'page\u0000body' });
    });

    it('findings: superseding a scope and purging resolved ones', async () => {
      const run = (await queued('all', 'storage')).id;
      await store.findings.insertMany(run, 'storage', [{ subject: 's1', kind: 'k', reason: 'r', proposedAction: 'p' }], T0, 'user:ada');
      expect(await store.findings.supersede('storage', 'user:ada', run + 1000, T1)).toBe(1);
      expect(await store.findings.countOpen()).toBe(0);
      expect(await store.findings.purgeResolved('2027-01-01T00:00:00.000Z')).toBe(1);
    });

    it('findings: an earlier finding is superseded only while it is as it was read (no run wrote it since)', async () => {
      const first = (await queued('all', 'storage')).id;
      const later = (await queued('user:ada', 'storage')).id;
      const finding = (subject: string) => ({ subject, kind: 'orphan', reason: 'r', proposedAction: 'p' });
      await store.findings.insertMany(first, 'storage', [finding('file:a'), finding('file:b'), finding('file:c')], T0);
      const read = await store.findings.open('storage');
      // Another run found file:b again (one open finding per subject: updated in place, now that run's).
      await store.findings.insertMany(later, 'storage', [finding('file:b')], T1);
      await store.findings.supersedeUnrewritten(read.map(({ id, runId }) => ({ id, runId })), T1);
      expect((await store.findings.open('storage')).map((f) => [f.subject, f.runId])).toEqual([['file:b', later]]);
    });

    it('audit: appends, finds by folded text (accents, case) and by run', async () => {
      const run = (await queued('all')).id;
      const id = await store.audit.append({ at: T0, actor: 'manual', engine: 'identity', runId: run, action: 'rename', subject: 'user:émile@x.org', before: { name: 'ÉMILE' }, after: { name: 'Émile Zola' } });
      await store.audit.append({ at: T1, actor: 'cli', engine: 'identity', runId: null, action: 'noop', subject: 'user:other@x.org', before: null, after: null });
      expect(typeof id).toBe('number');
      expect((await store.audit.list({ user: 'EMILE@X.ORG', limit: 10, offset: 0 })).items.map((e) => e.id)).toEqual([id]);
      expect((await store.audit.list({ subject: 'ÉMILE', limit: 10, offset: 0 })).items.map((e) => e.id)).toEqual([id]);
      expect((await store.audit.byRun(run)).map((e) => e.id)).toEqual([id]);
      const all = await store.audit.list({ limit: 10, offset: 0 });
      expect(all.total).toBe(2);
      expect(all.items[0]!.action).toBe('noop');
    });

    it('settings, engine state and connections round-trip; upserts replace', async () => {
      expect(await store.settings.get()).toEqual(DEFAULT_SETTINGS);
      const changed = await store.settings.update({ findingsRetentionDays: 7 } as never, T0);
      expect(changed).toMatchObject({ findingsRetentionDays: 7 });
      await store.settings.update({ findingsRetentionDays: 9 } as never, T1);
      expect((await store.settings.get()) as unknown).toMatchObject({ findingsRetentionDays: 9 });
      await store.engineState.set('storage', 'cursor', { page: 'é1' }, T0);
      await store.engineState.setMany('storage', [['cursor', { page: 2 }], ['other', [1, 2]]], T1);
      expect(await store.engineState.get('storage', 'cursor')).toEqual({ page: 2 });
      const conn = await store.connections.insert('appdb', 'Prod DB', { url: 'postgres://x@db/app' }, T0);
      await expect(store.connections.insert('appdb', 'Prod DB', {}, T0)).rejects.toThrow();
      await store.connections.update(conn, { secretFields: ['password'] }, T1);
      expect(await store.connections.findByName('Prod DB')).toMatchObject({ id: conn, config: { url: 'postgres://x@db/app' } });
      expect(await store.connections.delete(conn)).toBe(true);
    });

    it('a run\'s own writes land only while its owner holds it: a lost owner\'s batch writes nothing and takes no finding over', async () => {
      const run = (await queued('all')).id;
      expect(await store.runs.transition(run, ['queued'], 'running', { startedAt: T0 }, T0)).toBe(true);
      const finding = (reason: string) => ({ subject: 'file:1', kind: 'orphan', reason, proposedAction: 'quarantine' });
      const line = { seq: 1, at: T0, item: 'file-1', action: 'copy', outcome: 'done' as const };
      await store.findings.insertMany(run, 'storage', [finding('mine')], T0, 'all', 'host/42/a');
      await store.runItems.append(run, [line], new Map([['done', { n: 1, notKept: 0 }]]), 'host/42/a');
      // Another process's id: refused whole, in the batch's own transaction.
      await expect(store.findings.insertMany(run, 'storage', [finding('stranger')], T1, 'all', 'host/43/b')).rejects.toMatchObject({ code: 'lease-lost' });
      // Interrupted (a sweep judged the owner gone): the owner id is unchanged, yet nothing more lands.
      const seen = (await store.runs.activeOwners()).find((o) => o.id === run)!.heartbeatAt;
      expect(await store.runs.interrupt(run, seen, { error: { code: 'interrupted', message: 'lease lapsed' } }, T1)).toBe(true);
      const newer = (await queued('all')).id;
      expect(await store.runs.transition(newer, ['queued'], 'running', { startedAt: T1 }, T1)).toBe(true);
      await store.findings.insertMany(newer, 'storage', [finding('newer')], T1, 'all', 'host/42/a');
      await expect(store.findings.insertMany(run, 'storage', [finding('stale'), { ...finding('x'), subject: 'file:2' }], T1, 'all', 'host/42/a')).rejects.toMatchObject({ code: 'lease-lost' });
      await expect(store.runItems.append(run, [{ ...line, seq: 2 }], new Map([['done', { n: 1, notKept: 0 }]]), 'host/42/a')).rejects.toMatchObject({ code: 'lease-lost' });
      expect((await store.findings.open('storage')).map((f) => [f.subject, f.runId, f.reason])).toEqual([['file:1', newer, 'newer']]);
      const log = await store.runItems.page(run, 10, 0);
      expect([log.total, log.counts]).toEqual([1, { done: 1 }]);
    });

    // PostgreSQL: the owner check locks the run's row until the batch commits, so a sweep's interrupt from another
    // machine waits for it and lands after (SQLite's writers are serialised by BEGIN IMMEDIATE already). Declared
    // for PostgreSQL only, not skipped on SQLite: a suite that skips a test fails CI.
    if (target.dialect === 'postgres') it('an interrupt racing an owner\'s batch waits for it: never between the check and the writes', async () => {
      const run = (await queued('all')).id;
      expect(await store.runs.transition(run, ['queued'], 'running', { startedAt: T0 }, T0)).toBe(true);
      const seen = (await store.runs.activeOwners()).find((o) => o.id === run)!.heartbeatAt;
      const other = await target.twin();
      try {
        let interrupted: Promise<boolean> | undefined;
        await store.transaction(async (tx) => {
          await tx.findings.insertMany(run, 'storage', [{ subject: 'file:1', kind: 'orphan', reason: 'r', proposedAction: 'p' }], T0, 'all', 'host/42/a');
          interrupted = other.runs.interrupt(run, seen, { error: { code: 'interrupted', message: 'lease lapsed' } }, T1);
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect((await other.runs.get(run))?.state).toBe('running');
        });
        expect(await interrupted).toBe(true);
        expect((await store.findings.open('storage')).map((f) => f.runId)).toEqual([run]);
      } finally {
        await other.close();
      }
    });

    it('run items: lines kept once, counts add up across batches', async () => {
      const run = (await queued('all')).id;
      const line = (seq: number) => ({ seq, at: T0, item: `file-${seq}`, action: 'copy', outcome: 'done' as const });
      await store.runItems.append(run, [line(1), line(2)], new Map([['done', { n: 2, notKept: 0 }]]));
      await store.runItems.append(run, [line(2), line(3)], new Map([['done', { n: 5, notKept: 3 }]]));
      const page = await store.runItems.page(run, 10, 0);
      expect(page.items.map((i) => i.item)).toEqual(['file-1', 'file-2', 'file-3']);
      expect(JSON.stringify(page)).toContain('7');
    });

    it('schedules: derived schedules applied in chunks, firings recorded only for existing schedules, history by run', async () => {
      const fields: ScheduleFields = { engine: 'mail-import', scope: { kind: 'user', userId: 'u1' }, trigger: { kind: 'interval', minutes: 30 }, timeZone: 'UTC', enabled: true, autoRepair: false, params: {} };
      const console = await store.schedules.insert({ ...fields, scope: { kind: 'all' } }, 'admin', T0);
      const ids = await store.schedules.applyDerived({ inserts: [1, 2, 3].map((n) => ({ ...fields, sourceKey: `mail-import:u${n}`, scope: { kind: 'user' as const, userId: `u${n}` } })), updates: [], deletes: [] }, T0);
      expect(ids).toHaveLength(3);
      await store.schedules.applyDerived({ inserts: [], updates: [{ id: ids[0]!, schedule: { ...fields, sourceKey: 'mail-import:u1', enabled: false } }], deletes: [ids[2]!] }, T1);
      expect((await store.schedules.get(ids[0]!))?.enabled).toBe(false);
      expect(await store.schedules.get(ids[2]!)).toBeUndefined();
      const run = (await queued('user:u2', 'mail-import')).id;
      await store.schedules.recordFirings([
        { scheduleId: ids[1]!, dueAt: T0, firedAt: T0, outcome: 'started', runId: run, attempt: 1, message: null },
        { scheduleId: ids[2]!, dueAt: T0, firedAt: T0, outcome: 'started', runId: null, attempt: 1, message: 'deleted schedule' },
        { scheduleId: console, dueAt: T0, firedAt: T1, outcome: 'skipped', runId: null, attempt: 2, message: 'paused' },
      ]);
      expect((await store.schedules.firings(ids[1]!)).map((f) => f.runId)).toEqual([run]);
      expect(await store.schedules.firings(ids[2]!)).toEqual([]);
      expect((await store.runs.list({ scheduleId: ids[1]!, limit: 10, offset: 0 })).items.map((r) => r.id)).toEqual([run]);
      const history = await store.schedules.historyOf([ids[1]!, console]);
      expect(history.get(ids[1]!)?.lastRun?.runId).toBe(run);
      expect((await store.schedules.listFiltered({ origin: 'app-db', offset: 0 })).total).toBe(2);
      expect(await store.schedules.pruneFirings('2027-01-01T00:00:00.000Z')).toBe(2);
    });

    it('sheet sources: names unique, target tables unique whatever their case, listed by name case-insensitively', async () => {
      const spec = (name: string, targetTable: string) => ({ name, spreadsheetId: 'sheet', sheet: '', range: '', method: 'sheets-api', connection: '', targetTable, keyColumn: 'id', columns: [] }) as never;
      const sources = new SheetSourcesRepository(store.db);
      await sources.insert(spec('beta', 'cache_b'), T0);
      await sources.insert(spec('Alpha', 'cache_a'), T0);
      await expect(sources.insert(spec('gamma', 'CACHE_A'), T0)).rejects.toThrow();
      expect((await sources.list()).map((s) => s.spec.name)).toEqual(['Alpha', 'beta']);
    });

    it('two stores racing insertQueued on one scope: exactly one run, everyone joins it', async () => {
      const other = await target.twin();
      try {
        const requests = Array.from({ length: 16 }, (_, i) =>
          (i % 2 ? other : store).runs.insertQueued({ engine: 'toy', scope: 'race', trigger: 'manual', params: {}, ownerPid: i, now: T0 }),
        );
        const results = await Promise.all(requests);
        const created = results.filter((r) => !r.alreadyRunning);
        expect(created).toHaveLength(1);
        expect(new Set(results.map((r) => r.id))).toEqual(new Set([created[0]!.id]));
        expect((await store.runs.list({ scope: 'race', limit: 10, offset: 0 })).total).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('two stores recording firings of the same schedules at once: every firing kept, each schedule has a latest', async () => {
      const other = await target.twin();
      try {
        const fields: ScheduleFields = { engine: 'toy', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 1 }, timeZone: 'UTC', enabled: true, autoRepair: false, params: {} };
        const ids = await Promise.all([1, 2, 3].map(() => store.schedules.insert(fields, 'admin', T0)));
        const firing = (id: number, minute: number) => ({ scheduleId: id, dueAt: `2026-12-02T10:${String(minute).padStart(2, '0')}:00.000Z`, firedAt: T1, outcome: 'skipped' as const, runId: null, attempt: 1, message: `m${minute}` });
        await Promise.all(Array.from({ length: 10 }, (_, minute) => (minute % 2 ? other : store).schedules.recordFirings(ids.map((id) => firing(id, minute)))));
        for (const id of ids) {
          expect((await store.schedules.firings(id, 100)).length).toBe(10);
          expect((await store.schedules.get(id))?.lastDueAt).toMatch(/^2026-12-02T10:0\d:00.000Z$/);
        }
      } finally {
        await other.close();
      }
    });

    it('two stores writing findings batches for one subject: still one open finding', async () => {
      const other = await target.twin();
      try {
        const run = (await queued('all', 'storage')).id;
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? other : store).findings.insertMany(run, 'storage', [{ subject: 'shared', kind: 'k', reason: `r${i}`, proposedAction: 'p' }, { subject: `own-${i}`, kind: 'k', reason: 'r', proposedAction: 'p' }], T0),
          ),
        );
        expect((await store.findings.bySubjects('storage', ['shared'], 'open')).length).toBe(1);
        expect(await store.findings.countOpen('storage')).toBe(9);
      } finally {
        await other.close();
      }
    });
  });
}
