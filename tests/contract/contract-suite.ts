import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { methods } from '../../core/api/contract';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';
import type { CallResult } from '../../core/api/errors';
import type { MethodName } from '../../core/api/names';
import type { SyncwardenBridge } from '../../core/api/transport';
import type { TestApp } from '../helpers/test-app';
import { until } from '../helpers/wait';

export interface HostHarness {
  app: TestApp;
  bridge: SyncwardenBridge;
  close(): Promise<void>;
}

/**
 * One behavioural suite for the contract, run against every host (IPC and
 * WebSocket). A host passes only if it behaves exactly like the other.
 */
export function describeContract(hostName: string, connect: () => Promise<HostHarness>): void {
  describe(`contract over ${hostName}`, () => {
    let host: HostHarness;
    const call = async (method: string, input?: unknown): Promise<CallResult<unknown>> => host.bridge.invoke(method, input);
    const ok = async <M extends MethodName>(method: M, input?: unknown) => {
      const response = await call(method, input);
      if (!response.ok) throw new Error(`${method} failed: ${response.error.code} ${response.error.message}`);
      // Every result must satisfy the output type the contract declares.
      return methods[method].output.parse(response.result) as ReturnType<(typeof methods)[M]['output']['parse']>;
    };

    beforeEach(async () => {
      host = await connect();
    });
    afterEach(async () => {
      await host.close();
    });

    it('app.info describes the host, the store and the engines', async () => {
      const info = await ok('app.info');
      expect(info).toMatchObject({ name: 'Syncwarden', schemaVersion: LATEST_SCHEMA_VERSION });
      expect(info.engines.map((e) => e.id)).toContain('demo');
    });

    it('an unknown method gets a typed error', async () => {
      const response = await call('runs.destroyEverything', {});
      expect(response).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    });

    it('invalid input gets a typed error with the failing path and changes nothing', async () => {
      const bad = await call('runs.start', { engine: 'demo', params: { items: 'many' }, extra: true });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      const badParams = await call('runs.start', { engine: 'demo', params: { items: 'many' } });
      expect(badParams).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { issues: [{ path: ['items'] }] } } });
      const badPage = await call('runs.list', { limit: 100_000 });
      expect(badPage).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { issues: [{ path: ['limit'] }] } } });
      expect((await ok('runs.list')).total).toBe(0);
    });

    it('runs.start streams run.progress and run.finished, then the run is in the history', async () => {
      const progress: number[] = [];
      const finished: unknown[] = [];
      const offProgress = host.bridge.on('run.progress', (p) => progress.push((p as { percent: number }).percent));
      const offFinished = host.bridge.on('run.finished', (run) => finished.push(run));
      const { runId, alreadyRunning } = await ok('runs.start', { engine: 'demo', params: { items: 20_000, pageSize: 1000, delayMsPerPage: 2, findingEvery: 1000 } });
      expect(alreadyRunning).toBe(false);
      await until(() => finished.length === 1, 15_000, 'run.finished');
      offProgress();
      offFinished();
      expect(progress.length).toBeGreaterThan(0);
      expect(finished[0]).toMatchObject({ id: runId, state: 'succeeded', progress: { percent: 100 } });

      const detail = await ok('runs.get', { id: runId });
      expect(detail.run.state).toBe('succeeded');
      expect(detail.events.map((e) => e.message)).toContain('succeeded');
      const history = await ok('runs.list', { states: ['succeeded'] });
      expect(history.items.map((r) => r.id)).toEqual([runId]);
      const findings = await ok('findings.list', { runId, sort: 'subject', direction: 'asc', limit: 5 });
      expect(findings.total).toBe(20);
      expect(findings.items[0]?.subject).toBe('item:10999');
    });

    it('a second start of the same scope returns the running run; cancel stops it', async () => {
      const first = await ok('runs.start', { engine: 'demo', params: { items: 5_000_000, delayMsPerPage: 5 } });
      const second = await ok('runs.start', { engine: 'demo', params: { items: 5 } });
      expect(second).toEqual({ runId: first.runId, alreadyRunning: true });
      expect(await ok('runs.cancel', { id: first.runId })).toMatchObject({ cancelRequested: true });
      await until(async () => (await ok('runs.get', { id: first.runId })).run.state === 'cancelled', 10_000, 'cancelled');
    });

    it('runs.list filters by trigger, scope and date; runs.log pages what the run did item by item', async () => {
      const { runId } = await ok('runs.start', { engine: 'demo', params: { items: 3000, pageSize: 1000, findingEvery: 1000 } });
      await until(async () => (await ok('runs.get', { id: runId })).run.state === 'succeeded', 15_000, 'run succeeded');
      const run = (await ok('runs.get', { id: runId })).run;
      const ids = async (input: object) => (await ok('runs.list', input)).items.map((r) => r.id);
      expect(await ids({ engine: 'demo', states: ['succeeded'], triggers: ['manual'] })).toEqual([runId]);
      expect(await ids({ triggers: ['schedule', 'cli'] })).toEqual([]);
      expect(await ids({ scope: run.scope })).toEqual([runId]);
      expect(await ids({ scope: 'user:nobody@example.com' })).toEqual([]);
      expect(await ids({ scopes: ['user:nobody@example.com', run.scope] })).toEqual([runId]);
      expect(await ids({ scopes: ['user:nobody@example.com', 'user:u-404'] })).toEqual([]);
      expect(await ids({ from: new Date(Date.parse(run.createdAt) - 60_000).toISOString(), to: new Date(Date.parse(run.createdAt) + 60_000).toISOString() })).toEqual([runId]);
      expect(await ids({ from: new Date(Date.parse(run.createdAt) + 60_000).toISOString() })).toEqual([]);
      // An offset instant is the same moment: it is compared as UTC.
      expect(await ids({ to: '2000-01-01T02:00:00+02:00' })).toEqual([]);
      expect(await call('runs.list', { from: 'yesterday' })).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { issues: [{ path: ['from'] }] } } });

      const log = await ok('runs.log', { id: runId, limit: 2 });
      expect(log).toMatchObject({ total: 3, limit: 2, offset: 0, notKept: 0, counts: { done: 3 } });
      expect(log.items.map((l) => [l.seq, l.item, l.action, l.outcome])).toEqual([
        [1, 'item 999', 'record', 'done'],
        [2, 'item 1999', 'record', 'done'],
      ]);
      expect((await ok('runs.log', { id: runId, offset: 2 })).items.map((l) => l.seq)).toEqual([3]);
      expect(await call('runs.log', { id: 999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    });

    it('users.lookup and users.search answer through the host: no product database means nothing found and why, never an error', async () => {
      expect(await ok('users.lookup', { keys: ['u-1', 'ada@example.com'] })).toEqual({ users: [], unavailable: expect.stringContaining('Connections page') });
      expect(await ok('users.search', { query: 'ada' })).toEqual({ users: [], unavailable: expect.any(String) });
      expect(await call('users.lookup', { keys: [] })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    });

    it('runs.get of a missing run is not-found', async () => {
      expect(await call('runs.get', { id: 999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    });

    it('audit.list and settings round-trip', async () => {
      expect(await ok('audit.list', {})).toMatchObject({ items: [], total: 0 });
      expect(await call('settings.update', { theme: 'purple' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await ok('settings.update', { theme: 'dark' })).toMatchObject({ theme: 'dark', closeToTray: true });
      expect(await ok('settings.get')).toMatchObject({ theme: 'dark' });
    });

    it('audit.list filters by user, subject and run, with the total that matches; a bad filter is refused', async () => {
      const audit = host.app.store.audit;
      const at = '2026-01-01T00:00:00.000Z';
      const runs: number[] = [];
      for (const scope of ['a', 'b']) runs.push((await host.app.store.runs.insertQueued({ engine: 'demo', scope, trigger: 'manual', params: {}, ownerPid: process.pid, now: at })).id);
      await audit.append({ at, actor: 'manual', engine: 'demo', runId: runs[0]!, action: 'update', subject: 'user:Ada@Example.com', before: { name: 'Ada' }, after: { name: 'Ada L' } });
      await audit.append({ at, actor: 'manual', engine: 'demo', runId: runs[0]!, action: 'quarantine', subject: 'file:42', before: { id: 42, user_id: 'u-ada_1' }, after: null });
      await audit.append({ at, actor: 'cli', engine: 'demo', runId: runs[1]!, action: 'update', subject: 'user:adam@example.com', before: { email: 'adam@example.com' }, after: null });
      await audit.append({ at, actor: 'cli', engine: 'demo', runId: null, action: 'restore', subject: 'row:12 (50% done)', before: null, after: { owner: 'ada@example.com' } });
      const subjects = async (input: Record<string, unknown>) => {
        const page = await ok('audit.list', input);
        return { subjects: page.items.map((e) => e.subject), total: page.total };
      };
      // A user is a whole part of the subject or a whole JSON value, case-insensitive; never a prefix of another.
      expect(await subjects({ user: 'ada@example.com' })).toEqual({ subjects: ['row:12 (50% done)', 'user:Ada@Example.com'], total: 2 });
      expect(await subjects({ user: 'U-ADA_1' })).toEqual({ subjects: ['file:42'], total: 1 });
      expect(await subjects({ user: 'u-ada' })).toEqual({ subjects: [], total: 0 });
      // A subject is searched as text: "%" and "_" are characters, not wildcards.
      expect(await subjects({ subject: '50%' })).toEqual({ subjects: ['row:12 (50% done)'], total: 1 });
      expect(await subjects({ subject: 'USER:' })).toMatchObject({ total: 2 });
      expect(await subjects({ runId: runs[0] })).toEqual({ subjects: ['file:42', 'user:Ada@Example.com'], total: 2 });
      expect(await subjects({ runId: runs[0], user: 'ada@example.com', limit: 1 })).toEqual({ subjects: ['user:Ada@Example.com'], total: 1 });
      expect(await subjects({ runId: runs[1], actor: 'manual' })).toEqual({ subjects: [], total: 0 });
      expect(await call('audit.list', { runId: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { issues: [{ path: ['runId'] }] } } });
      expect(await call('audit.list', { user: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    });

    it('schedules: an invalid trigger is refused; Run now starts a run marked schedule; pause emits scheduler.status', async () => {
      const bad = await call('schedules.create', { engine: 'demo', trigger: { kind: 'cron', expression: '0 25 * * *' } });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { issues: [{ path: ['trigger', 'expression'] }] } } });
      const changed: unknown[] = [];
      const statuses: unknown[] = [];
      const offChanged = host.bridge.on('schedules.changed', (payload) => changed.push(payload));
      const offStatus = host.bridge.on('scheduler.status', (payload) => statuses.push(payload));
      const schedule = await ok('schedules.create', { engine: 'demo', trigger: { kind: 'interval', minutes: 30 }, timeZone: 'UTC', params: { items: 1000 } });
      expect(schedule).toMatchObject({ triggerText: 'every 30 minutes', origin: 'console', lastRun: null });
      const { runId } = await ok('schedules.runNow', { id: schedule.id });
      await until(async () => (await ok('runs.get', { id: runId })).run.state === 'succeeded', 15_000, 'scheduled run succeeded');
      expect((await ok('runs.get', { id: runId })).run.trigger).toBe('schedule');
      expect((await ok('schedules.list')).schedules[0]).toMatchObject({ id: schedule.id, lastRun: { runId, state: 'succeeded' } });
      expect((await ok('runs.stats', { trigger: 'schedule' })).runs.map((r) => r.id)).toEqual([runId]);
      // The schedule's own history: the runs its firings started.
      expect((await ok('runs.list', { scheduleId: schedule.id })).items.map((r) => r.id)).toEqual([runId]);
      expect((await ok('runs.list', { scheduleId: schedule.id + 1 })).items).toEqual([]);
      expect(await ok('schedules.pause', { minutes: null })).toMatchObject({ state: 'paused', pausedIndefinitely: true });
      await until(() => changed.length > 0 && statuses.length > 0, 5000, 'schedules.changed and scheduler.status events');
      offChanged();
      offStatus();
      expect(statuses.at(-1)).toMatchObject({ state: 'paused' });
    });

    it('storage: empty totals and pages before any check; restore of a missing finding is not-found', async () => {
      expect(await ok('storage.summary')).toEqual({ accounts: 0, files: 0, openOrphans: 0, openTrashed: 0, quarantined: 0, needsReconnect: 0, autoSyncOff: 0, lastCheckAt: null, guardBlocked: null });
      expect(await ok('storage.accounts', { search: 'ada', status: 'orphans' })).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
      expect(await call('storage.restore', { findingId: 999_999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
      expect(await call('storage.accounts', { status: 'lost' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await ok('storage.checkIfStale', { userId: 'nobody' })).toEqual({ started: false, runId: null, lastCheckAt: null });
      // Without a product database nothing can be said about restoring: a typed refusal, not a guess.
      expect(await call('storage.restorability')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    });

    it('subscribing to an event outside the contract is refused', () => {
      expect(() => host.bridge.on('secrets.leaked', () => {})).toThrow(/Unknown event/);
    });
  });
}
