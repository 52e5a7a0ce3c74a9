import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, dropboxFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * A repair during a check of all (different scopes, so the console runs them side by side). The check finds
 * ada's orphan again, but its finding waits in the run's findings buffer (and, since ab679a7, until the
 * account writes flush). Meanwhile the repair quarantines the row and marks the open finding `quarantined`.
 * When the check's buffer is written, the upsert (findings.repo.ts insertMany: ON CONFLICT ... WHERE status =
 * 'open') finds no open finding and inserts a NEW open one about a row that is no longer in files; then the
 * check supersedes every earlier finding it read at its start (storage-orphans.engine.ts: setFindingStatus
 * (previousIds, 'superseded') -> findings.repo.ts supersedeIds, which does not look at the status), so the
 * quarantined finding becomes `superseded`. The row sits in file_quarantine, but the only finding that could
 * restore it is no longer `quarantined`: storage.restore refuses, and the retention purge deletes the row for good.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack s18: repair during a check', () => {
  it('the quarantined row stays restorable through its finding', async () => {
    world = await openStorageWorld([
      { id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone'] },
      { id: 'zed', dropbox: dropboxFiles('zed', 2) },
    ]);
    const w = world;
    await w.run({ mode: 'check' });
    const [finding] = await w.app.store.findings.open('storage-orphans');
    const id = finding?.id as number;

    w.dropbox.fault('*', { status: 200, delayMs: 4_000, passThrough: true });
    w.dropbox.resetCounts();
    const { runId } = await w.app.runs.start('storage-orphans', { mode: 'check' }, 'manual');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && Object.values(w.dropbox.counts()).length === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 800)); // ada's Drive account is checked; zed's Dropbox calls are still slow
    const repair = await w.run({ mode: 'repair', findingIds: [id] });
    expect(repair.state).toBe('succeeded');
    expect((await w.app.store.findings.byIds([id]))[0]?.status).toBe('quarantined');
    const check = await w.app.runs.waitFor(runId);
    expect(check?.state).toBe('succeeded');
    w.dropbox.clearFaults();

    expect(await w.rows("SELECT id FROM file_quarantine")).toEqual([{ id: 'row-g-gone' }]);
    const all = await w.app.store.db.all<{ id: number; status: string; run_id: number }>(`SELECT id, status, run_id FROM findings WHERE subject = 'file:row-g-gone' ORDER BY id`);
    // The row is in quarantine: its finding says so, and nothing claims it is still an open orphan.
    expect(all.filter((f) => f.status === 'open'), `findings of the row: ${JSON.stringify(all)}`).toEqual([]);
    expect((await w.app.store.findings.byIds([id]))[0]?.status, `findings of the row: ${JSON.stringify(all)}`).toBe('quarantined');
    const restored = await Promise.resolve(w.app.handlers['storage.restore']({ findingId: id }, { actor: 'manual' })).then((r) => r.restored, (e: Error) => e.message);
    expect(restored).toBe(true);
  }, 90_000);
});
