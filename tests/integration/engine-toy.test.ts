import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppNotification } from '../../core/api/notifications';
import type { EngineInfo, Finding, Run } from '../../core/api/models';
import { dispatch } from '../../core/app/dispatch';
import { startNotifier } from '../../core/app/notifier';
import { runCli } from '../../core/cli/program';
import { EngineRegistry } from '../../core/engines/engine';
import { BUILTIN_ENGINES } from '../../core/engines/registry';
import { runManagerStarter } from '../../core/scheduler/run-starter';
import { Scheduler } from '../../core/scheduler/scheduler';
import { createSilentLogger } from '../../core/logging/logger';
import { toyEngine, TOY_ENGINE_ID } from '../fixtures/toy-engine';
import { ManualClock } from '../helpers/manual-clock';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Issue 17, "Done when": a sixth engine (tests/fixtures/toy-engine, a folder
 * that declares itself) added through the registry alone is served by the
 * contract, scheduled by the scheduler, run by the CLI and announced by the
 * notifier. The only line that names it outside its folder is the registry
 * line below.
 */
const ENGINES = [...BUILTIN_ENGINES, toyEngine]; // the registry line

const dir = makeTempDir();
const dataDir = join(dir.path, 'console');
let app: TestApp;

const call = async <T>(method: string, input: unknown): Promise<T> => {
  const answer = await dispatch(app.handlers, method, input, { actor: 'manual' });
  if (!answer.ok) throw new Error(`${method}: ${answer.error.code} ${answer.error.message}`);
  return answer.result as T;
};
const finished = async (runId: number): Promise<Run> => (await app.runs.waitFor(runId)) as Run;

beforeAll(async () => {
  app = await createTestApp({ dataDir, engines: new EngineRegistry(ENGINES) });
});
afterAll(async () => {
  await app?.dispose();
  dir.remove();
});

describe('a sixth engine added through the registry alone', () => {
  it('the contract serves it: listed with its modes, params validated, result validated, findings and repair', async () => {
    const info = await call<{ engines: EngineInfo[] }>('app.info', {});
    expect(info.engines.find((engine) => engine.id === TOY_ENGINE_ID)).toMatchObject({ title: 'Toy shelf', modes: ['check', 'repair'] });

    const refused = await dispatch(app.handlers, 'runs.start', { engine: TOY_ENGINE_ID, params: { mode: 'shelve' } }, { actor: 'manual' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    const { runId } = await call<{ runId: number }>('runs.start', { engine: TOY_ENGINE_ID, params: { shelf: 'poetry', drifted: 4 } });
    const run = await finished(runId);
    expect(run).toMatchObject({ state: 'succeeded', scope: 'shelf:poetry', result: { mode: 'check', checked: 8, drifted: 4, findings: 4 } });
    const found = await call<{ items: Finding[] }>('findings.list', { engine: TOY_ENGINE_ID, status: 'open' });
    expect(found.items.map((f) => f.subject).sort()).toEqual(['book:poetry/1', 'book:poetry/2', 'book:poetry/3', 'book:poetry/4']);

    // Its result schema is checked by the run manager like any engine's: a result that breaks it never ends succeeded.
    const lying = await finished((await call<{ runId: number }>('runs.start', { engine: TOY_ENGINE_ID, params: { shelf: 'lies', lie: true } })).runId);
    expect(lying).toMatchObject({ state: 'failed', error: { code: 'invalid-result' } });

    const repair = await finished((await call<{ runId: number }>('runs.start', { engine: TOY_ENGINE_ID, params: { mode: 'repair', shelf: 'poetry', findingIds: found.items.map((f) => f.id), failing: 1 } })).runId);
    expect(repair).toMatchObject({ state: 'partial', result: { mode: 'repair', repaired: 3, itemsFailed: 1 } });
  });

  it('the scheduler schedules it: a console schedule fires on its own clock and the run has its policy params', async () => {
    // The app's clock is the real one (the schedule is created now); this scheduler's time then runs by hand.
    const clock = new ManualClock(Date.now());
    const scheduler = new Scheduler({ store: app.store, runs: runManagerStarter(app.runs, app.events), engines: app.engines, clock, timers: clock, log: createSilentLogger(), events: app.events });
    try {
      const created = await call<{ id: number }>('schedules.create', { engine: TOY_ENGINE_ID, scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 60 }, params: { shelf: 'history' } });
      scheduler.start();
      await vi.waitFor(() => expect(clock.armed).toBeGreaterThan(0));
      await clock.advance(60 * 60_000);
      const fired = await vi.waitFor(async () => {
        const runs = (await app.store.runs.list({ engine: TOY_ENGINE_ID, limit: 10, offset: 0 })).items.filter((run) => run.trigger === 'schedule');
        expect(runs).toHaveLength(1);
        return runs[0] as Run;
      });
      expect(fired.params).toMatchObject({ mode: 'check', shelf: 'history' });
      expect(await finished(fired.id)).toMatchObject({ state: 'succeeded', scope: 'shelf:history' });
      expect(await app.store.schedules.get(created.id)).toBeDefined();
    } finally {
      await scheduler.stop();
    }
  });

  it('the notifier announces it by its title and route', async () => {
    const told: AppNotification[] = [];
    const off = app.events.subscribe((event, payload) => {
      if (event === 'notification') told.push(payload as AppNotification);
    });
    const stop = startNotifier({ events: app.events, engine: (id) => app.engines.get(id), batchMs: 10 });
    try {
      const { runId } = await app.runs.start(TOY_ENGINE_ID, { mode: 'repair', shelf: 'poetry', all: true, failing: 0 }, 'schedule');
      await finished(runId);
      const failedCheck = await app.runs.start(TOY_ENGINE_ID, { shelf: 'broken', lie: true }, 'schedule');
      await finished(failedCheck.runId);
      await vi.waitFor(() => expect(told.some((n) => n.kind === 'run-failed')).toBe(true));
      expect(told.find((n) => n.kind === 'run-failed')).toMatchObject({ title: 'Toy shelf run failed', route: `/runs?run=${failedCheck.runId}` });
    } finally {
      stop();
      off();
    }
  });

  it('the CLI runs it: `syncwarden check toy-shelf --shelf NAME` and `repair --all --yes`, with its own option', async () => {
    await app.close();
    const quiet = [vi.spyOn(process.stdout, 'write').mockImplementation(() => true), vi.spyOn(process.stderr, 'write').mockImplementation(() => true)];
    vi.stubEnv('SYNCWARDEN_SECRETS', 'env');
    try {
      process.exitCode = undefined;
      expect(await runCli(['--data-dir', dataDir, '--json', 'check', TOY_ENGINE_ID, '--shelf', 'atlas', '--params', '{"drifted":2}'], { engines: ENGINES })).toBe(0);
      process.exitCode = undefined;
      expect(await runCli(['--data-dir', dataDir, '--json', 'repair', TOY_ENGINE_ID, '--shelf', 'atlas', '--all', '--yes'], { engines: ENGINES })).toBe(0);
      process.exitCode = undefined;
      expect(await runCli(['--data-dir', dataDir, 'import', TOY_ENGINE_ID], { engines: ENGINES })).toBe(2);
    } finally {
      process.exitCode = undefined;
      vi.unstubAllEnvs();
      quiet.forEach((spy) => spy.mockRestore());
    }
    app = await createTestApp({ dataDir, engines: new EngineRegistry(ENGINES) });
    const cliRuns = (await app.store.runs.list({ engine: TOY_ENGINE_ID, limit: 50, offset: 0 })).items.filter((run) => run.trigger === 'cli');
    expect(cliRuns.map((run) => [run.params.mode, run.params.shelf, run.state])).toEqual([
      ['repair', 'atlas', 'succeeded'],
      ['check', 'atlas', 'succeeded'],
    ]);
    const atlas = (await call<{ items: Finding[] }>('findings.list', { engine: TOY_ENGINE_ID, limit: 50 })).items.filter((f) => f.subject.startsWith('book:atlas/'));
    expect(atlas.map((f) => f.status)).toEqual(['repaired', 'repaired']);
  });
});
