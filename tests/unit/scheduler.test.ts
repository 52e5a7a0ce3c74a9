import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, consoleSchedule, HOUR, iso, mailUser, MINUTE, T0, type Harness } from './scheduler-harness';

describe('scheduler (fake clock)', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  const addConsole = (overrides: Parameters<typeof consoleSchedule>[0] = {}, at = T0) => h.store.schedules.insert(consoleSchedule(overrides), 'manual', iso(at));
  const startTimes = () => h.runs.starts.map((s) => iso(s.at));

  it('an interval schedule fires on each slot, with the trigger schedule, never before it is due', async () => {
    h = await createHarness();
    await addConsole({ trigger: { kind: 'interval', minutes: 30 } });
    h.scheduler.start();
    await h.clock.advance(29 * MINUTE);
    expect(h.runs.starts).toHaveLength(0);
    await h.clock.advance(2 * HOUR - 29 * MINUTE + 1000);
    expect(startTimes()).toEqual([iso(T0 + 30 * MINUTE), iso(T0 + HOUR), iso(T0 + 90 * MINUTE), iso(T0 + 2 * HOUR)]);
    expect(h.runs.starts[0]).toMatchObject({ engine: 'demo', params: {} });
  });

  it('a cron schedule fires at its local time in its time zone (Paris is UTC+1 in March)', async () => {
    h = await createHarness();
    await addConsole({ trigger: { kind: 'cron', expression: '0 2 * * *' }, timeZone: 'Europe/Paris' });
    h.scheduler.start();
    await h.clock.advance(48 * HOUR);
    expect(startTimes()).toEqual(['2026-03-02T01:00:00.000Z', '2026-03-03T01:00:00.000Z']);
  });

  it('a simulated 8-hour sleep, then resume, fires once, and the next slot is not right behind it', async () => {
    h = await createHarness();
    await addConsole({ trigger: { kind: 'interval', minutes: 30 } });
    h.scheduler.start();
    await h.clock.advance(HOUR + 1000);
    expect(h.runs.starts).toHaveLength(2);
    await h.clock.sleep(8 * HOUR); // 16 slots pass while asleep
    await h.clock.advance(2000);
    expect(h.runs.starts).toHaveLength(3);
    const resumedAt = h.runs.starts[2]?.at as number;
    expect(resumedAt).toBeGreaterThanOrEqual(T0 + 9 * HOUR);
    await h.clock.advance(14 * MINUTE);
    expect(h.runs.starts).toHaveLength(3);
    await h.clock.advance(30 * MINUTE);
    expect(h.runs.starts).toHaveLength(4);
    // The catch-up firing records the slot it stood in for (the first one missed), once.
    const firings = await h.store.schedules.firings(1);
    expect(firings.filter((f) => f.firedAt !== f.dueAt && Date.parse(f.firedAt) - Date.parse(f.dueAt) > HOUR)).toHaveLength(1);
  });

  it('firings missed while the app was closed run once at start', async () => {
    h = await createHarness();
    await addConsole({ trigger: { kind: 'interval', minutes: 30 } });
    h.scheduler.start();
    await h.clock.advance(31 * MINUTE);
    expect(h.runs.starts).toHaveLength(1);
    await h.scheduler.stop();
    await h.clock.advance(8 * HOUR);
    (await h.restart()).start();
    await h.clock.advance(2000);
    expect(h.runs.starts).toHaveLength(2);
    await h.clock.advance(10 * MINUTE);
    expect(h.runs.starts).toHaveLength(2);
  });

  it('1,000 users on 30 minutes are spread over the interval: at most 8 firings in any second, each user once per slot', async () => {
    h = await createHarness();
    h.appDb.rows = Array.from({ length: 1000 }, (_, i) => mailUser(`user-${i}`, 30));
    h.scheduler.start();
    await h.scheduler.refreshAppDb();
    await h.clock.advance(HOUR);
    const perSecond = new Map<number, number>();
    for (const s of h.runs.starts) perSecond.set(Math.floor(s.at / 1000), (perSecond.get(Math.floor(s.at / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(8);
    // Jitter, not the cap, does the spreading: firings land in hundreds of different seconds.
    expect(perSecond.size).toBeGreaterThan(800);
    expect(h.runs.starts).toHaveLength(2000);
    const users = new Map<string, number>();
    for (const s of h.runs.starts) users.set(String(s.params.user), (users.get(String(s.params.user)) ?? 0) + 1);
    expect(new Set(users.values())).toEqual(new Set([2]));
    expect(h.runs.starts[0]?.params).toEqual({ user: expect.any(String), mode: 'import', autoRepair: false });
  });

  it('a firing while the same run is still active is recorded as skipped and starts nothing', async () => {
    h = await createHarness();
    const id = await addConsole({ trigger: { kind: 'interval', minutes: 30 } });
    h.runs.autoFinish = null;
    h.scheduler.start();
    await h.clock.advance(HOUR + 1000);
    expect(h.runs.starts).toHaveLength(1);
    await h.clock.advance(6000); // past the batched write
    const firings = await h.store.schedules.firings(id);
    expect(firings.map((f) => f.outcome)).toEqual(['skipped', 'started']);
    expect(firings[0]).toMatchObject({ runId: h.runs.starts[0]?.runId, dueAt: iso(T0 + HOUR), message: expect.stringMatching(/still active/) });
  });

  it('a failing schedule retries with exponential backoff, stops after 3 attempts per interval and needs attention; a success clears it', async () => {
    h = await createHarness();
    const id = await addConsole({ trigger: { kind: 'interval', minutes: 60 } });
    h.runs.autoFinish = 'failed';
    h.scheduler.start();
    await h.clock.advance(HOUR + 30 * MINUTE);
    expect(startTimes()).toEqual([iso(T0 + HOUR), iso(T0 + HOUR + MINUTE), iso(T0 + HOUR + 3 * MINUTE)]);
    await h.clock.advance(5000);
    expect((await h.store.schedules.firings(id)).map((f) => f.attempt)).toEqual([3, 2, 1]);
    expect((await h.store.schedules.get(id))?.failures).toBe(3);
    expect(h.scheduler.status()).toMatchObject({ state: 'attention', attention: 1 });

    h.runs.autoFinish = 'succeeded';
    await h.clock.advance(31 * MINUTE);
    expect(h.runs.starts).toHaveLength(4);
    expect((await h.store.schedules.get(id))?.failures).toBe(0);
    expect(h.scheduler.status()).toMatchObject({ state: 'idle', attention: 0 });
  });

  it('a run that cannot start is a failed firing with the reason, and is retried like a failed run', async () => {
    h = await createHarness();
    const id = await addConsole({ engine: 'storage-orphans', trigger: { kind: 'interval', minutes: 60 } });
    h.runs.startError = new Error('There is no engine "storage-orphans".');
    const notifications: unknown[] = [];
    h.events.subscribe((event, payload) => {
      if (event === 'notification') notifications.push(payload);
    });
    h.scheduler.start();
    await h.clock.advance(HOUR + 10 * MINUTE);
    // Told once, when the retries are spent, with the reason and the page to fix it on.
    expect(notifications).toEqual([{ kind: 'run-failed', title: 'storage-orphans schedule cannot start its run', body: 'There is no engine "storage-orphans".', route: '/schedules' }]);
    const firings = await h.store.schedules.firings(id);
    expect(firings.map((f) => [f.outcome, f.attempt])).toEqual([['failed', 3], ['failed', 2], ['failed', 1]]);
    expect(firings[0]?.message).toMatch(/no engine/);
  });

  it('a store that refuses the reads at start (descriptors exhausted) is logged, not an unhandled rejection that takes the host down', async () => {
    h = await createHarness();
    await addConsole({ trigger: { kind: 'interval', minutes: 30 } });
    h.appDb.rows = [mailUser('u1', 30)];
    const refused = () => Promise.reject(new Error('SQLITE_CANTOPEN: unable to open database file (EMFILE)'));
    const { listPage, derivedPage } = h.store.schedules;
    h.store.schedules.listPage = refused;
    h.store.schedules.derivedPage = refused;
    h.scheduler.start();
    // Vitest fails the run on an unhandled rejection; the scheduler must also keep going once the store answers.
    await h.clock.advance(MINUTE);
    h.store.schedules.listPage = listPage;
    h.store.schedules.derivedPage = derivedPage;
    await h.clock.advance(2 * MINUTE);
    expect(await h.store.schedules.listPage(0, 10)).toEqual(expect.arrayContaining([expect.objectContaining({ sourceKey: 'mail-import:u1' })]));
  });

  it('a change in the product database is picked up within a minute, without a restart', async () => {
    h = await createHarness();
    h.appDb.rows = [mailUser('ada', 30)];
    h.scheduler.start();
    await h.clock.advance(1000);
    expect((await h.store.schedules.list()).map((s) => [s.sourceKey, s.enabled])).toEqual([['mail-import:ada', true]]);

    h.appDb.rows = [mailUser('ada', 30, false), mailUser('bob', 15)];
    await h.clock.advance(61_000);
    expect((await h.store.schedules.list()).map((s) => [s.sourceKey, s.enabled]).sort()).toEqual([
      ['mail-import:ada', false],
      ['mail-import:bob', true],
    ]);
    await h.clock.advance(HOUR);
    expect(new Set(h.runs.starts.map((s) => s.params.user))).toEqual(new Set(['bob']));
    expect(h.runs.starts).toHaveLength(4);
    // Re-read about once a minute, not more.
    expect(h.appDb.reads).toBeGreaterThanOrEqual(60);
    expect(h.appDb.reads).toBeLessThanOrEqual(64);
  });

  it('pause for an hour holds every firing; after it the missed slots run once', async () => {
    h = await createHarness();
    await addConsole({ trigger: { kind: 'interval', minutes: 15 } });
    h.scheduler.start();
    await h.scheduler.pause(60);
    expect(h.scheduler.status()).toMatchObject({ state: 'paused', pausedUntil: iso(T0 + HOUR), pausedIndefinitely: false });
    await h.clock.advance(HOUR - 1000);
    expect(h.runs.starts).toHaveLength(0);
    await h.clock.advance(3000);
    expect(h.runs.starts).toHaveLength(1);
    await h.scheduler.pause(null);
    await h.clock.advance(3 * HOUR);
    expect(h.runs.starts).toHaveLength(1);
    await h.scheduler.resume();
    await h.clock.advance(2000);
    expect(h.runs.starts).toHaveLength(2);
  });

  it('old firings are pruned by age while each schedule keeps its latest firing and run', async () => {
    h = await createHarness({ firingsRetentionMs: 2 * HOUR });
    const id = await addConsole({ trigger: { kind: 'interval', minutes: 30 } });
    h.scheduler.start();
    await h.clock.advance(5 * HOUR + 10_000);
    expect(h.runs.starts).toHaveLength(10);
    await h.clock.advance(HOUR); // the hourly prune runs
    const firings = await h.store.schedules.firings(id, 100);
    expect(firings.length).toBeGreaterThanOrEqual(4);
    expect(firings.length).toBeLessThanOrEqual(6);
    // (lastRun joins the runs table, which these fake runs never reach; the contract test covers it.)
    expect((await h.store.schedules.historyOf([id])).get(id)).toMatchObject({ lastFiring: { outcome: 'started', runId: 12 } });
    expect((await h.store.schedules.get(id))?.lastDueAt).toBe(iso(T0 + 6 * HOUR));
  });

  it('runAllNow fires console schedules at once; stop() disarms the timer', async () => {
    h = await createHarness();
    await addConsole({ params: { scope: 'a' } });
    await addConsole({ params: { scope: 'b' } });
    await addConsole({ params: { scope: 'c' }, enabled: false });
    h.scheduler.start();
    expect(await h.scheduler.runAllNow()).toBe(2);
    await h.scheduler.stop();
    await h.scheduler.stop();
    expect(h.clock.armed).toBe(0);
    await h.clock.advance(2 * HOUR);
    expect(h.runs.starts).toHaveLength(2);
  });
});
