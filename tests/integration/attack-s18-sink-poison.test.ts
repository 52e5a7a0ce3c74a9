import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack on ab679a7's BufferedFindingSink.flush: "once a batch failed, every later flush rejects with its error".
 * The run manager's own error path (core/runs/run-manager.ts execute(): `catch (error) { await findings.flush(); ... }`)
 * flushes the same sink again before it records the failure. With the poisoned sink that flush rejects too, so
 * execute() throws before `move(id, 'failed', ...)`: the run stays `running` in the store, and only a sweep later
 * marks it `interrupted` ("its owner stopped"), with the real cause (the store refused the findings) nowhere.
 * Before the change, one transient refusal (SQLITE_BUSY past the busy timeout) ended the run `failed` with its
 * message. A user sees a check that was "interrupted" for no reason, or one that keeps "running".
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack s18: one refused findings write', () => {
  it('the run ends failed with the store error, not interrupted/running', async () => {
    world = await openStorageWorld([
      { id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-ada-gone'] },
      { id: 'bob', drive: driveFiles('bob', 2), goneDrive: ['g-bob-gone'] },
    ]);
    const repo = world.app.store.findings;
    const real = repo.insertMany.bind(repo);
    let refused = 0;
    // One transient refusal, as SQLite's busy timeout gives it; every later write works.
    repo.insertMany = async (...args: Parameters<typeof repo.insertMany>) => {
      if (refused++ === 0) throw Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });
      return real(...args);
    };
    const started = Date.now();
    const run = await world.run({ mode: 'check' });
    const after = await world.app.store.runs.get(run.id);
    expect(refused, 'the refused write happened').toBeGreaterThan(0);
    expect({ state: after?.state, error: after?.error?.message }).toMatchObject({ state: 'failed', error: expect.stringMatching(/SQLITE_BUSY/) });
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
