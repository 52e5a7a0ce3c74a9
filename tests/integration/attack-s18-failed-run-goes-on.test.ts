import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * A check whose account writes are refused once (ab679a7: AccountWrites.flush after the 16th account; a
 * SQLITE_BUSY past the busy timeout) ends `failed`. But runCheck's pool (core/base/pool.ts inPool) rejects at the
 * first failure without stopping the other workers, and nothing aborts the run's signal when the run fails:
 * the three other workers go on pulling accounts after the run is over, calling Dropbox, and writing account
 * states stamped with the failed run (the next 16-account flush) while the console says the run failed. A
 * user who starts the check again at once then has two checks working on the same accounts.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const USERS = 40;
const users = Array.from({ length: USERS }, (_, i) => `u${String(i).padStart(2, '0')}`);

describe('attack s18: a failed check stops working', () => {
  it('no provider call and no account state of the run after the run ended failed', async () => {
    world = await openStorageWorld(users.map((id) => ({ id, dropbox: dropboxFiles(id, 2), goneDropbox: [`id:gone-${id}`] })));
    const w = world;
    w.dropbox.fault('dropbox.files.list_folder', { status: 200, delayMs: 30, passThrough: true });
    const repo = w.app.store.engineState;
    const real = repo.setMany.bind(repo);
    let refused = 0;
    repo.setMany = async (engine, entries, now) => {
      // The first commit of account writes (seen sets and states) is refused, once; the roster's went through.
      if (refused === 0 && entries.some(([key]) => key.startsWith('seen2:'))) {
        refused++;
        throw Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });
      }
      return real(engine, entries, now);
    };
    const run = await w.run({ mode: 'check' });
    expect(refused).toBe(1);
    expect(['failed', 'partial']).toContain(run.state);
    const callsAtEnd = Object.values(w.dropbox.counts()).reduce((n, v) => n + v, 0);
    await new Promise((r) => setTimeout(r, 3_000));
    const callsLater = Object.values(w.dropbox.counts()).reduce((n, v) => n + v, 0);
    const states = await w.app.store.db.all<{ value_json: string; updated_at: string }>(`SELECT value_json, updated_at FROM engine_state WHERE engine = 'storage-orphans' AND key LIKE 'account:%'`);
    const ended = (await w.app.store.runs.get(run.id))?.finishedAt as string;
    const writtenAfter = states.filter((s) => (JSON.parse(s.value_json) as { lastRunId: number | null }).lastRunId === run.id && s.updated_at > ended);
    const sample = writtenAfter.slice(0, 2).map((s) => JSON.parse(s.value_json) as { status: string; message: string | null });
    expect({ callsAfterTheEnd: callsLater - callsAtEnd, statesWrittenAfterTheEnd: writtenAfter.length, sample }).toEqual({ callsAfterTheEnd: 0, statesWrittenAfterTheEnd: 0, sample: [] });
  }, 90_000);
});
