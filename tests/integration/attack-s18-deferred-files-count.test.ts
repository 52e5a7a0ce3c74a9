import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, dropboxFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack on ab679a7's AccountWrites: an account's state patch (files, status, cursor…) is now held until 16
 * accounts are done or the check ends, then merged into the state stored at that time. The patch carries
 * `files` as the check counted it. A restore (or a repair) of that account made in between adjusts the stored
 * `files` (storage-restore.ts: files + 1; storage-repair.ts: files - n), and the check's late write puts the
 * count of before back: the Storage page then shows a file count the product no longer has until the next check.
 * Before the change the account's state was written as soon as the account was checked, so a restore made while
 * the check went on with other (slow) accounts was kept.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const state = async (w: StorageWorld, user: string, provider: string) => (await w.app.store.engineState.get<{ files: number }>('storage-orphans', `account:${user}:${provider}`)) as { files: number };
const productRows = async (w: StorageWorld, user: string) => Number((await w.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM files WHERE user_id = ?`, [user]))[0]?.n);

async function whileSlowCheckRuns(w: StorageWorld, during: () => Promise<void>): Promise<void> {
  // Every Dropbox call is slow: the check is still at work long after ada's Drive account is done.
  w.dropbox.fault('*', { status: 200, delayMs: 4_000, passThrough: true });
  w.dropbox.resetCounts();
  const { runId } = await w.app.runs.start('storage-orphans', { mode: 'check' }, 'manual');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && Object.values(w.dropbox.counts()).length === 0) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 800)); // ada's small Drive account is checked by now
  await during();
  const run = await w.app.runs.waitFor(runId);
  expect({ state: run?.state, error: run?.error }).toMatchObject({ state: 'succeeded' });
  w.dropbox.clearFaults();
}

describe('attack s18: a restore or repair during a check keeps its file count', () => {
  it('restore during a check of all: the account still counts the restored row', async () => {
    world = await openStorageWorld([
      { id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone'] },
      { id: 'zed', dropbox: dropboxFiles('zed', 2) },
    ]);
    const w = world;
    await w.run({ mode: 'check' });
    const [finding] = await w.app.store.findings.open('storage-orphans');
    expect((await w.run({ mode: 'repair', all: true })).state).toBe('succeeded');
    expect((await state(w, 'ada', 'google')).files).toBe(2);
    await whileSlowCheckRuns(w, async () => {
      await w.app.handlers['storage.restore']({ findingId: finding?.id as number }, { actor: 'manual' });
      expect((await state(w, 'ada', 'google')).files, 'the restore counted the row back').toBe(3);
    });
    expect(await productRows(w, 'ada')).toBe(3);
    expect((await state(w, 'ada', 'google')).files, 'files of ada after the check that overlapped the restore').toBe(3);
  }, 90_000);

  it('repair during a check of all: the account no longer counts the quarantined row', async () => {
    world = await openStorageWorld([
      { id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone'] },
      { id: 'zed', dropbox: dropboxFiles('zed', 2) },
    ]);
    const w = world;
    await w.run({ mode: 'check' });
    expect((await state(w, 'ada', 'google')).files).toBe(3);
    await whileSlowCheckRuns(w, async () => {
      expect((await w.run({ mode: 'repair', user: 'ada' })).state).toBe('succeeded');
      expect((await state(w, 'ada', 'google')).files, 'the repair took the row off').toBe(2);
    });
    expect(await productRows(w, 'ada')).toBe(2);
    expect((await state(w, 'ada', 'google')).files, 'files of ada after the check that overlapped the repair').toBe(2);
  }, 90_000);
});
