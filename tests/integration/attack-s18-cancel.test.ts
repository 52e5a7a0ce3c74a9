import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Cancel mid-check (ab679a7 claims: a cancelled run keeps what finished accounts concluded, and never records an
 * account before its findings). After the cancel: every account recorded by the run has its orphan stored, the
 * run kept at least one finished account, and the next check reports every orphan exactly once.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const USERS = 24;
const users = Array.from({ length: USERS }, (_, i) => `u${String(i).padStart(2, '0')}`);

describe('attack s18: cancel a check mid-way', () => {
  it('keeps finished accounts with their findings and loses or doubles nothing after', async () => {
    world = await openStorageWorld(users.map((id) => ({ id, dropbox: dropboxFiles(id, 2), goneDropbox: [`id:gone-${id}`] })));
    const w = world;
    w.dropbox.fault('dropbox.files.list_folder', { status: 200, delayMs: 120, passThrough: true });
    const { runId } = await w.app.runs.start('storage-orphans', { mode: 'check' }, 'manual');
    // Cancel once some accounts are finished but not all (the account writes of 16 have committed).
    const deadline = Date.now() + 30_000;
    const recorded = async () =>
      (await w.app.store.db.all<{ value_json: string }>(`SELECT value_json FROM engine_state WHERE engine = 'storage-orphans' AND key LIKE 'account:%'`))
        .map((r) => JSON.parse(r.value_json) as { userId: string; lastRunId: number | null; lastFullAt?: string | null })
        .filter((s) => s.lastRunId === runId);
    while (Date.now() < deadline && (await recorded()).length === 0) await new Promise((r) => setTimeout(r, 5));
    await w.app.runs.cancel(runId);
    const run = await w.app.runs.waitFor(runId);
    expect(run?.state).toBe('cancelled');
    const kept = await recorded();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(USERS);
    const open = new Set((await w.app.store.findings.open('storage-orphans')).map((f) => f.subject));
    for (const s of kept) expect(open.has(`file:row-id:gone-${s.userId}`), `${s.userId} recorded without its orphan`).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000)); // nothing more lands after the cancel
    expect((await recorded()).length).toBe(kept.length);

    w.dropbox.clearFaults();
    const again = await w.run({ mode: 'check' });
    expect(again.state).toBe('succeeded');
    expect(resultOf(again)).toMatchObject({ orphans: USERS });
    const subjects = (await w.app.store.findings.open('storage-orphans')).map((f) => f.subject);
    expect(subjects.length).toBe(USERS);
    expect(new Set(subjects).size).toBe(USERS);
  }, 90_000);
});
