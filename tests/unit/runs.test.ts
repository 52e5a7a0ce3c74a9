import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../core/api/contract';
import type { EventName } from '../../core/api/names';
import { RUN_TRANSITIONS, canTransition, isTerminal } from '../../core/runs/state-machine';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/wait';

describe('run state machine', () => {
  it('allows only the documented transitions', () => {
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'succeeded')).toBe(true);
    expect(canTransition('running', 'interrupted')).toBe(true);
    expect(canTransition('succeeded', 'running')).toBe(false);
    expect(canTransition('queued', 'succeeded')).toBe(false);
    expect(canTransition('running', 'partial')).toBe(true);
    expect(canTransition('queued', 'partial')).toBe(false);
    for (const state of ['succeeded', 'partial', 'failed', 'cancelled', 'interrupted'] as const) {
      expect(RUN_TRANSITIONS[state]).toEqual([]);
      expect(isTerminal(state)).toBe(true);
    }
  });
});

describe('run manager', () => {
  let app: TestApp;
  let events: { event: EventName; payload: EventPayload<EventName> }[];

  beforeEach(async () => {
    app = await createTestApp({ progressIntervalMs: 20 });
    events = [];
    app.events.subscribe((event, payload) => events.push({ event, payload }));
  });
  afterEach(() => app.dispose());

  it('a run whose result reports failed items ends partial, never succeeded', async () => {
    const run = await app.runs.waitFor((await app.runs.start('demo', { items: 10, findingEvery: 0, failItems: 2 }, 'cli')).runId);
    expect(run).toMatchObject({ state: 'partial', result: { itemsFailed: 2 }, error: null });
    expect((await app.store.runs.get(run?.id ?? 0))?.state).toBe('partial');
    expect((await app.store.runEvents.list(run?.id ?? 0)).filter((e) => e.kind === 'state').map((e) => e.message)).toContain('partial');
  });

  it('runs an engine to success, recording who started it, API calls, findings and events', async () => {
    const { runId, alreadyRunning } = await app.runs.start('demo', { items: 5000, pageSize: 500, findingEvery: 100 }, 'cli');
    expect(alreadyRunning).toBe(false);
    const run = await app.runs.waitFor(runId);
    expect(run).toMatchObject({ state: 'succeeded', trigger: 'cli', apiCalls: { demo: 10 }, result: { items: 5000, drifted: 50, findings: 50 } });
    expect(run?.progress?.percent).toBe(100);
    expect((await app.store.findings.list({ runId, sort: 'createdAt', direction: 'desc', limit: 10, offset: 0 })).total).toBe(50);
    const states = (await app.store.runEvents.list(runId)).filter((e) => e.kind === 'state').map((e) => e.message);
    expect(states).toEqual(['queued by cli', 'running', 'succeeded']);
    expect(events.map((e) => e.event)).toContain('run.started');
    expect(events.at(-1)?.event).toBe('run.finished');
  });

  it('a second start of the same engine and scope returns the running run', async () => {
    const first = await app.runs.start('demo', { items: 200_000, delayMsPerPage: 1 }, 'manual');
    const second = await app.runs.start('demo', { items: 10 }, 'schedule');
    const otherScope = await app.runs.start('demo', { items: 10, scope: 'user:ada' }, 'manual');
    expect(second).toEqual({ runId: first.runId, alreadyRunning: true });
    expect(otherScope.alreadyRunning).toBe(false);
    await app.runs.cancel(first.runId);
    await app.runs.waitFor(first.runId);
    await app.runs.waitFor(otherScope.runId);
    const third = await app.runs.start('demo', { items: 10 }, 'manual');
    expect(third.alreadyRunning).toBe(false);
    await app.runs.waitFor(third.runId);
  });

  it('cancel through AbortSignal stops a running run and keeps what it had found', async () => {
    const { runId } = await app.runs.start('demo', { items: 1_000_000, pageSize: 1000, delayMsPerPage: 5, findingEvery: 10 }, 'manual');
    await until(async () => ((await app.store.runs.get(runId))?.progress?.counters.done ?? 0) > 0);
    expect(await app.runs.cancel(runId)).toMatchObject({ id: runId, cancelRequested: true });
    const run = await app.runs.waitFor(runId);
    expect(run?.state).toBe('cancelled');
    expect(run?.error?.code).toBe('cancelled');
    expect(run?.progress?.percent).toBeLessThan(100);
  });

  it('a cancel request from another process is picked up by the owner heartbeat', async () => {
    await app.dispose();
    app = await createTestApp({ heartbeatMs: 20 });
    const { runId } = await app.runs.start('demo', { items: 1_000_000, delayMsPerPage: 5 }, 'manual');
    await until(async () => (await app.store.runs.get(runId))?.state === 'running');
    await app.store.runs.requestCancel(runId, new Date().toISOString()); // what another process's cancel writes
    expect((await app.runs.waitFor(runId))?.state).toBe('cancelled');
  });

  it('an engine error fails the run with its message', async () => {
    const { runId } = await app.runs.start('demo', { items: 100, failAt: 42 }, 'manual');
    const run = await app.runs.waitFor(runId);
    expect(run).toMatchObject({ state: 'failed', error: { code: 'engine-error', message: 'Demo failure at item 42' } });
  });

  it('unknown engines and invalid params are refused before anything is stored', async () => {
    await expect(app.runs.start('nope', {}, 'manual')).rejects.toThrow(/no engine "nope"/);
    await expect(app.runs.start('demo', { items: -1 }, 'manual')).rejects.toThrow(/Invalid parameters/);
    expect((await app.store.runs.list({ limit: 10, offset: 0 })).total).toBe(0);
  });

  it('progress events of one run stay at or under the throttle rate', async () => {
    await app.dispose();
    app = await createTestApp(); // the default 100 ms interval
    const stamps: number[] = [];
    // The snapshot's own time is taken when it is emitted; a listener's clock would add its own delays.
    app.events.subscribe((event, payload) => event === 'run.progress' && stamps.push(Date.parse((payload as { at: string }).at)));
    const { runId } = await app.runs.start('demo', { items: 300_000, delayMsPerPage: 1 }, 'manual');
    await app.runs.waitFor(runId);
    for (let i = 1; i < stamps.length; i++) expect((stamps[i] ?? 0) - (stamps[i - 1] ?? 0)).toBeGreaterThanOrEqual(99);
    expect(stamps.length).toBeGreaterThan(1);
  });
});
