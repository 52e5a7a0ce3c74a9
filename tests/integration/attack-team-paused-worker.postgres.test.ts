import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { runManagerHost } from '../../core/queue/run-manager-host';
import { storePasswordKey } from '../../core/store/store-location';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * Attack (#20 review): a worker that stops without dying (SIGSTOP, a long GC pause, a frozen VM) for longer
 * than its run lease but shorter than its job's queue lease. A console's sweep interrupts the run; the worker
 * wakes, its first beat finds the run lost and stops. The job must then go back to the queue (the executor
 * throws), not complete with the work undone.
 *
 * The pause is modelled in-process: worker A's run-manager heartbeat is an hour (it neither renews nor looks
 * for a lost lease while "paused") and its lease 400 ms; the console sweeps every 100 ms.
 */
const server = usePostgres();
const dirA = makeTempDir();
const dirC = makeTempDir();
let paused: Syncwarden;
let console_: Syncwarden;

async function openOn(url: string, dir: string, timing: { heartbeatMs: number; leaseMs: number }): Promise<Syncwarden> {
  const secrets = new MemorySecretStore();
  await secrets.set(storePasswordKey(url), PG_PASSWORD);
  return createSyncwarden({ dataDir: dir, host: 'cli', withDemoEngine: true, secrets, store: url, ...timing });
}

beforeAll(async () => {
  const admin = new URL(await server().createDatabase('attack_paused'));
  admin.password = '';
  const url = admin.toString();
  paused = await openOn(url, dirA.path, { heartbeatMs: 3_600_000, leaseMs: 400 });
  console_ = await openOn(url, dirC.path, { heartbeatMs: 100, leaseMs: 5_000 });
}, 60_000);

afterAll(async () => {
  await paused?.close();
  await console_?.close();
  dirA.remove();
  dirC.remove();
});

describe('attack: a paused worker wakes up after a sweep interrupted its run', () => {
  it('its attempt fails back to the queue (no completed job with the work undone); the run says interrupted, not cancelled', async () => {
    const params = { items: 60, pageSize: 2, delayMsPerPage: 100, scope: 'paused-worker' };
    const { runId } = await paused.runs.startInQueue('demo', params, 'manual', async () => undefined);
    const host = runManagerHost(paused.runs, paused.store);
    expect(await host.adopt(runId, { workerId: 'A', attempt: 1 })).toEqual({ adopted: true, previousOwner: null });
    const attempt = host.execute(runId, new AbortController().signal).then(
      () => 'completed' as const,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    await until(async () => (await console_.store.runs.get(runId))?.state === 'interrupted', 10_000, 'the console swept the run of the paused worker');
    // A wakes up: its first beat finds the run lost and stops its copy.
    await (paused.runs as unknown as { beat(): Promise<void> }).beat();
    const outcome = await attempt;
    expect(outcome).toMatch(new RegExp(`^run ${runId} was interrupted before it finished .*; the queue retries it$`));
    const states = (await console_.store.runEvents.list(runId)).filter((e) => e.kind === 'state').map((e) => e.message);
    expect(states.filter((s) => /^(succeeded|cancelled|failed|interrupted)/.test(s))).toEqual([expect.stringMatching(/^interrupted: /)]);
  }, 60_000);
});
