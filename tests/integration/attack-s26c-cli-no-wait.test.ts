import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { isProcessAlive } from '../../core/runs/recovery';
import { assertBuilt, runCliSync } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

const alive = isProcessAlive;

/**
 * Outside review (issue #16, item 4): `check <engine> --no-wait` / `runs start --no-wait` on a run the CLI
 * starts itself prints "Queued run N; not waiting for it (--no-wait)." and exits 0, but the run belongs to
 * (and executes in) that CLI process, whose exit right after aborts it: the run is already `cancelled`,
 * never started (startedAt null), nobody cancelled it, and nothing says so. The CLI must not announce a
 * queued run that its own exit cancels (hand it to a live host, refuse --no-wait here, or say what happened).
 */
describe('--no-wait on a run the CLI starts', () => {
  const dir = makeTempDir('syncwarden-s26c-nowait-');
  let app: Syncwarden | undefined;
  let background: number | undefined;
  beforeAll(assertBuilt);
  afterEach(async () => {
    await app?.close();
    app = undefined;
    // The background process ends with its run; one a failed test left behind is ended here.
    if (background !== undefined && alive(background)) process.kill(background, 'SIGKILL');
    background = undefined;
  });

  for (const args of [
    ['check', 'demo', '--params', '{"items":200000,"delayMsPerPage":5}', '--no-wait'],
    ['runs', 'start', 'demo', '--params', '{"items":200000,"delayMsPerPage":5,"scope":"other"}', '--no-wait'],
  ]) {
    it(`${args.slice(0, 2).join(' ')} --no-wait: a run announced as queued is not cancelled by the CLI's own exit`, async () => {
      const result = runCliSync(['--data-dir', dir.path, '--with-demo-engine', '--json', ...args]);
      expect(result.code, result.stderr).toBe(0);
      const said = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { runId: number; waiting: boolean; pid: number };
      expect(said.waiting).toBe(false);
      // Fix: a detached background process of the same CLI owns the run (said by its pid) and finishes it.
      background = said.pid;
      expect(said.pid).toEqual(expect.any(Number));
      app = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true });
      const run = await app.store.runs.get(said.runId);
      const events = (await app.store.runEvents.list(said.runId)).map((e) => (e as { message?: string }).message);
      // The run announced as queued: still queued or running somewhere, or done, never cancelled by nobody.
      expect({ state: run?.state, events }).not.toMatchObject({ state: 'cancelled' });
      // ...and later `runs get N` shows it finished, and the background process is gone with it.
      await until(async () => (await app?.store.runs.get(said.runId))?.state === 'succeeded', 30_000, `run ${said.runId} succeeded`);
      await until(() => !alive(said.pid), 10_000, 'the background process exited');
      const shown = runCliSync(['--data-dir', dir.path, '--with-demo-engine', '--json', 'runs', 'get', String(said.runId)]);
      expect(JSON.parse(shown.stdout) as unknown).toMatchObject({ run: { id: said.runId, state: 'succeeded', trigger: 'cli' } });
    });
  }

  it('schedules run --no-wait: the fired run is owned by a background process and finishes', async () => {
    const added = runCliSync(['--data-dir', dir.path, '--with-demo-engine', '--json', 'schedules', 'add', '--engine', 'demo', '--every', '60', '--disabled', '--params', '{"items":50000,"delayMsPerPage":5,"scope":"sched"}']);
    expect(added.code, added.stderr).toBe(0);
    const { id } = JSON.parse(added.stdout) as { id: number };
    const result = runCliSync(['--data-dir', dir.path, '--with-demo-engine', '--json', 'schedules', 'run', String(id), '--no-wait']);
    expect(result.code, result.stderr).toBe(0);
    const said = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { runId: number; waiting: boolean; pid: number };
    background = said.pid;
    expect(said).toMatchObject({ waiting: false, alreadyRunning: false, pid: expect.any(Number) as unknown });
    app = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true });
    await until(async () => (await app?.store.runs.get(said.runId))?.state === 'succeeded', 30_000, `run ${said.runId} succeeded`);
    expect((await app.store.runs.get(said.runId))?.trigger).toBe('schedule');
    await until(() => !alive(said.pid), 10_000, 'the background process exited');
  });
});
