import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * s26a attack: docs/safety.md says "two rows pointing at one gone file each keep theirs" (a product files table
 * without a unique cloud id). A repair then quarantines both rows; "everything it removes comes back whole" means
 * restoring both gives the table back. The restore refuses the second because of the first ("The product already
 * has row … for this google file"), so that row stays quarantined until the purge deletes it: lost.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const NO_UNIQUE = 'CREATE TABLE files (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size BIGINT, created_at TEXT)';

describe('s26a: restoring rows that shared one cloud file', () => {
  it('two rows of one gone Drive file (the table allows it) are both quarantined and both restorable', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone-1'] }], { ddl: [NO_UNIQUE] });
    // The product attached the same file twice (e.g. to two projects): two rows, one cloud id.
    await world.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('row-g-gone-1-copy', 'ada', 'google', 'g-gone-1', 'copy.pdf', 100)`);
    const before = await world.rows(`SELECT * FROM files ORDER BY id`);
    expect((await world.run({ mode: 'check' })).state).toBe('succeeded');
    const open = await world.app.store.findings.open('storage-orphans');
    expect(open).toHaveLength(2);
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ quarantined: 2 });

    const outcomes: unknown[] = [];
    for (const f of open) {
      outcomes.push(await Promise.resolve(world.app.handlers['storage.restore']({ findingId: f.id }, { actor: 'manual' })).catch((e: Error) => e.message));
    }
    // Both restores succeed; nothing stays behind in quarantine to be purged.
    expect(outcomes).toEqual([expect.objectContaining({ restored: true }), expect.objectContaining({ restored: true })]);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
    expect(await world.rows(`SELECT * FROM files ORDER BY id`)).toEqual(before);
  });

  it("another user's row on the same shared file does not block restoring this user's row", async () => {
    // Ada lost access to a file Bob still has (Drive answers 404 notFound to Ada): Ada's row is quarantined.
    world = await openStorageWorld(
      [
        { id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-shared'] },
        { id: 'bob', drive: driveFiles('bob', 2) },
      ],
      { ddl: [NO_UNIQUE] },
    );
    await world.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('row-bob-shared', 'bob', 'google', 'g-shared', 'shared.pdf', 100)`);
    expect((await world.run({ mode: 'check', user: 'ada' })).state).toBe('succeeded');
    const open = (await world.app.store.findings.open('storage-orphans')).filter((f) => f.details?.userId === 'ada');
    expect(open.map((f) => f.details?.fileRowId)).toEqual(['row-g-shared']);
    await world.run({ mode: 'repair', all: true });
    const result = await Promise.resolve(world.app.handlers['storage.restore']({ findingId: open[0]!.id }, { actor: 'manual' })).catch((e: Error) => e.message);
    expect(result).toMatchObject({ restored: true });
    expect(await world.rows(`SELECT id FROM files WHERE provider_file_id = 'g-shared' ORDER BY id`)).toEqual([{ id: 'row-bob-shared' }, { id: 'row-g-shared' }]);
  });
});
