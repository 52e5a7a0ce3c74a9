import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../core/store/store';
import type { ScheduleFields } from '../../core/store/schedules.repo';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Attacks on the async console store, each on both dialects: a store must answer the same on SQLite and on
 * PostgreSQL, and a race between two callers (two pools on PostgreSQL, as two machines would have) must
 * neither lose, double nor crash.
 */
const server = usePostgres();
let databases = 0;
const opened: Store[] = [];
const dirs: ReturnType<typeof makeTempDir>[] = [];

beforeAll(async () => {
  server();
}, 120_000);
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) dir.remove();
});

interface Target {
  dialect: 'sqlite' | 'postgres';
  /** A fresh store, and a twin on the same data (on PostgreSQL its own pool; on SQLite the same store). */
  fresh(): Promise<{ store: Store; twin: Store }>;
}

const targets: Target[] = [
  {
    dialect: 'sqlite',
    async fresh() {
      const dir = makeTempDir();
      dirs.push(dir);
      const store = await openStore(dir.path);
      opened.push(store);
      return { store, twin: store };
    },
  },
  {
    dialect: 'postgres',
    async fresh() {
      const name = `attack_${++databases}`;
      await server().createDatabase(name);
      const url = `postgres://postgres@127.0.0.1:${server().port}/${name}`;
      const store = await openStore(url, { password: PG_PASSWORD });
      opened.push(store);
      const twin = await openStore(url, { password: PG_PASSWORD });
      opened.push(twin);
      return { store, twin };
    },
  },
];

const T0 = '2026-12-02T10:00:00.000Z';

for (const target of targets) {
  describe(`attacks on the console store (${target.dialect})`, () => {
    it('two consoles starting at once on a new store agree on one secret namespace, neither fails', async () => {
      const { store, twin } = await target.fresh();
      const made = await Promise.all([store.settings.secretNamespace(T0), twin.settings.secretNamespace(T0), store.settings.secretNamespace(T0), twin.settings.secretNamespace(T0)]);
      expect(new Set(made.map((m) => m.id)).size).toBe(1);
    });

    it('a firing whose run id is beyond 2^31 is recorded (ids are 64-bit on both)', async () => {
      const { store } = await target.fresh();
      const fields: ScheduleFields = { engine: 'toy', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 1 }, timeZone: 'UTC', enabled: true, autoRepair: false, params: {} };
      const id = await store.schedules.insert(fields, 'admin', T0);
      const big = 2 ** 31 + 7;
      await store.schedules.recordFirings([{ scheduleId: id, dueAt: T0, firedAt: T0, outcome: 'skipped', runId: big, attempt: 2 ** 31 + 1, message: 'm' }]);
      const [firing] = await store.schedules.firings(id);
      expect(firing).toMatchObject({ runId: big, attempt: 2 ** 31 + 1 });
    });

    it('lone surrogates and 4-byte emoji in a connection name read back the same on both', async () => {
      const { store } = await target.fresh();
      const name = 'x\uD800y \u{1F600}';
      const id = await store.connections.insert('appdb', name, { note: '\uDC00\u{1F4A9}' }, T0);
      const row = await store.connections.get(id);
      // UTF-8 has no lone surrogate: both drivers write U+FFFD for it.
      expect(row?.name).toBe('x\uFFFDy \u{1F600}');
      // JSON escapes a lone surrogate (well-formed JSON.stringify), so a JSON column keeps it exactly.
      expect(row?.config).toEqual({ note: '\uDC00\u{1F4A9}' });
    });

    it('a statement on the store itself from inside its own transaction is refused at once on both (never waits on its own lock)', async () => {
      const { store, twin } = await target.fresh();
      await store.settings.update({ findingsRetentionDays: 10 }, T0);
      const started = Date.now();
      const attempt = store.transaction(async (tx) => {
        await tx.settings.update({ findingsRetentionDays: 20 }, T0);
        // A bug: the store, not tx. On PostgreSQL it would wait for the row tx holds until the statement timeout.
        await store.settings.update({ findingsRetentionDays: 30 }, T0);
      });
      await expect(attempt).rejects.toThrow(/own transaction is open/);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await store.settings.get()).findingsRetentionDays).toBe(10);
      // Another caller (on PostgreSQL, another pool) is not refused, and the store still works afterwards.
      if (twin !== store) await twin.transaction(async (tx) => tx.settings.update({ findingsRetentionDays: 40 }, T0));
      await store.settings.update({ findingsRetentionDays: 50 }, T0);
      expect((await twin.settings.get()).findingsRetentionDays).toBe(50);
    });

    it('settings updated by many callers at once on two connections: every key keeps a written value, none lost', async () => {
      const { store, twin } = await target.fresh();
      const themes = ['light', 'dark', 'system'] as const;
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          (i % 2 ? twin : store).settings.update(i % 3 === 0 ? { theme: themes[i % 3]!, findingsRetentionDays: 100 + i } : { closeToTray: i % 2 === 0, startAtLogin: true }, T0),
        ),
      );
      const settings = await store.settings.get();
      expect(settings.startAtLogin).toBe(true);
      expect(settings.findingsRetentionDays).toBeGreaterThanOrEqual(100);
      expect(settings.theme).toBe('light');
    });

    it('a transaction that awaits something slow: other callers neither see its half nor slip a write into it', async () => {
      const { store, twin } = await target.fresh();
      const { id: run } = await store.runs.insertQueued({ engine: 'storage', scope: 'all', trigger: 'cli', params: {}, ownerPid: 1, now: T0 });
      const seen: number[] = [];
      const attempt = store.transaction(async (tx) => {
        await tx.runEvents.append(run, 'message', 'one', T0);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await tx.runEvents.append(run, 'message', 'two', T0);
        throw new Error('changed my mind');
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const others = Promise.all([
        twin.runEvents.list(run).then((events) => seen.push(events.length)),
        twin.runEvents.append(run, 'message', 'other', T0),
        twin.runEvents.list(run).then((events) => seen.push(events.length)),
      ]);
      await expect(attempt).rejects.toThrow('changed my mind');
      await others;
      // Never one of the transaction's two events alone; the other caller's write survives the rollback.
      expect(seen.every((n) => n <= 1)).toBe(true);
      expect((await store.runEvents.list(run)).map((e) => e.message)).toEqual(['other']);
    });
  });
}
