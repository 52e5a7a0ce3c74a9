import { afterEach, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { runJobKey } from '../../core/queue/queue-config';
import { runHostExecutor } from '../../core/queue/run-host-executor';
import { runManagerHost } from '../../core/queue/run-manager-host';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Attack s14 (stranded queued runs), the races the check must lose gracefully. Real run manager and store (SQLite;
 * the stranded check's statements are the same on both dialects), the executor's endStranded, and a carriers
 * reader that lets another worker act between the check's two reads. These HOLD: kept as evidence.
 */
const dirs: Array<ReturnType<typeof makeTempDir>> = [];
const apps: Syncwarden[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

async function twoProcesses(): Promise<[Syncwarden, Syncwarden]> {
  const dir = makeTempDir();
  dirs.push(dir);
  const a = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true, heartbeatMs: 60_000 });
  const b = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true, heartbeatMs: 60_000 });
  apps.push(a, b);
  return [a, b];
}

const none = { keys: new Set<string>(), runIds: new Set<number>() };

describe('attack s14: the stranded check against a worker that adopts between its reads', () => {
  it('held: a run adopted after the runs were read (its job already completing) is not failed, and keeps running', async () => {
    const [checker, adopter] = await twoProcesses();
    const { runId } = await adopter.runs.startInQueue('demo', { items: 3, scope: 'adopted-between' }, 'manual', async () => undefined);
    const host = runManagerHost(adopter.runs, adopter.store);
    const executor = runHostExecutor(runManagerHost(checker.runs, checker.store));
    // First seen without a job; the grace (1 s of the checker's clock) is over at the next check.
    expect(await executor.endStranded!(1_000, async () => none, 0)).toEqual([]);
    const ended = await executor.endStranded!(1_000, async () => {
      // Between the check's read of the runs and its read of the jobs: a worker adopts the run and its job is gone.
      expect(await host.adopt(runId, { workerId: 'w', attempt: 1 })).toMatchObject({ adopted: true });
      return none;
    }, 5_000);
    expect(ended).toEqual([]);
    await host.execute(runId, new AbortController().signal);
    expect((await checker.store.runs.get(runId))?.state).toBe('succeeded');
  }, 30_000);

  it('held: a run carried only by its scope key (a retried job whose data names an older run) is left alone', async () => {
    const [a] = await twoProcesses();
    const { runId } = await a.runs.startInQueue('demo', { items: 3, scope: 'by-key' }, 'manual', async () => undefined);
    const scope = (await a.store.runs.get(runId))!.scope;
    const ended = await runHostExecutor(runManagerHost(a.runs, a.store)).endStranded!(0, async () => ({ keys: new Set([runJobKey('demo', scope)]), runIds: new Set([runId - 1]) }), 0);
    expect(ended).toEqual([]);
    expect((await a.store.runs.get(runId))?.state).toBe('queued');
  }, 30_000);
});
