import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../core/api/models';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const idsOf = (entries: AuditEntry[]) => entries.flatMap((e) => (e.before as { id: string }[]).map((r) => r.id));
const recoveredOf = (entries: AuditEntry[]) => entries.filter((e) => (e.after as { recoveredAfterInterruption?: boolean }).recoveredAfterInterruption);

describe('storage-orphans repairs that overlap', () => {
  it('repairs of different scopes at once audit each row exactly once and flag none as recovered', async () => {
    const gone = (user: string, n: number) => Array.from({ length: n }, (_, i) => `gone-${user}-${String(i).padStart(4, '0')}`);
    world = await openStorageWorld([
      { id: 'ada', drive: driveFiles('ada', 2), goneDrive: gone('ada', 1_200) },
      { id: 'grace', drive: driveFiles('grace', 2), goneDrive: gone('grace', 300) },
    ]);
    const { app } = world;
    expect((await world.run({ mode: 'check' })).result).toMatchObject({ orphans: 1_500 });
    const all = await app.runs.start('storage-orphans', { mode: 'repair', all: true }, 'manual');
    const ada = await app.runs.start('storage-orphans', { mode: 'repair', user: 'ada' }, 'manual');
    const adaAgain = await app.runs.start('storage-orphans', { mode: 'repair', user: 'ada' }, 'cli'); // joins the same scope
    expect(adaAgain).toEqual({ runId: ada.runId, alreadyRunning: true });
    const runs = await Promise.all([app.runs.waitFor(all.runId), app.runs.waitFor(ada.runId)]);
    expect(runs.map((r) => r?.state)).toEqual(['succeeded', 'succeeded']);

    expect(await world.rows('SELECT COUNT(*) AS n FROM file_quarantine')).toEqual([{ n: 1_500 }]);
    const entries = (await app.store.audit.list({ engine: 'storage-orphans', limit: 500, offset: 0 })).items.filter((e) => e.action === 'quarantine-files');
    const moved = idsOf(entries);
    expect(moved).toHaveLength(1_500);
    expect(new Set(moved).size).toBe(1_500);
    expect(recoveredOf(entries)).toEqual([]);
    expect((await app.store.findings.list({ engine: 'storage-orphans', status: 'open', sort: 'createdAt', direction: 'desc', limit: 1, offset: 0 })).total).toBe(0);
  }, 120_000);

  it('a row moved by a run that was interrupted before its audit is audited once, as recovered, however many repairs see it', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-1', 'g-2'] }]);
    const { app } = world;
    await world.run({ mode: 'check' });
    // What a SIGKILL between the move and the audit leaves: the rows in quarantine, the mover interrupted, the findings open.
    const mover = await app.store.runs.insertQueued({ engine: 'storage-orphans', scope: 'repair:dead', trigger: 'manual', params: {}, ownerPid: 1, now: new Date().toISOString() });
    await app.store.runs.transition(mover.id, ['queued'], 'interrupted', {}, new Date().toISOString());
    await world.exec(
      `INSERT INTO file_quarantine (id, user_id, provider, provider_file_id, name, size, created_at, quarantined_at, purge_after, reason, run_id)
       SELECT id, user_id, provider, provider_file_id, name, size, created_at, '2026-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z', 'test', ? FROM files WHERE provider_file_id IN ('g-1','g-2')`,
      [mover.id],
    );
    await world.exec(`DELETE FROM files WHERE provider_file_id IN ('g-1','g-2')`);
    const open = (await app.store.findings.open('storage-orphans')).map((f) => f.id);
    expect(open).toHaveLength(2);
    // Two repairs of overlapping choices, one after the other, each given the (still open) findings by id.
    await world.run({ mode: 'repair', findingIds: open });
    await app.store.findings.setStatus(open, 'open', new Date().toISOString()); // as if a stale copy still said open
    await world.run({ mode: 'repair', user: 'ada' });
    const entries = (await app.store.audit.list({ engine: 'storage-orphans', limit: 50, offset: 0 })).items.filter((e) => e.action === 'quarantine-files');
    expect(idsOf(entries).sort()).toEqual(['row-g-1', 'row-g-2']);
    expect(recoveredOf(entries)).toHaveLength(entries.length);
    expect(await app.store.findings.open('storage-orphans')).toEqual([]);
  });
});
