import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileQuarantine } from '../../core/engines/storage-orphans/storage-quarantine';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack s26d (issue 14, item 3 / DESIGN §4.3): `storage.restorability` must tell the truth before a repair,
 * and a quarantine must hold the whole row as it is when it is moved.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await world?.close();
  world = undefined;
});

const FILES = 'CREATE TABLE files (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size BIGINT, created_at TEXT, UNIQUE (provider, provider_file_id))';

describe('attack s26d: restorability on SQLite, where table names are case-insensitive', () => {
  // SQLite resolves `REFERENCES Files (id)` and `ON FILES` to the table files, but restoreProblems compares
  // pragma_foreign_key_list."table" and sqlite_master.tbl_name with the mapping's name case-sensitively
  // (core/appdb/table-columns.ts referencingKeys, quarantine-schema.ts deleteTriggers): the cascade is not seen.
  it('a child table whose foreign key spells the files table in another case (ON DELETE CASCADE): restorability says no, the repair is refused', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 20), goneDrive: ['g-gone-1'] }], {
      ddl: [FILES, 'CREATE TABLE file_shares (id TEXT PRIMARY KEY, file_id TEXT NOT NULL REFERENCES Files (id) ON DELETE CASCADE)'],
    });
    await world.exec(`INSERT INTO file_shares (id, file_id) VALUES ('share-1', 'row-g-gone-1')`);
    const told = await world.app.handlers['storage.restorability']({}, { actor: 'manual' });
    await world.run({ mode: 'check' });
    const repair = await world.run({ mode: 'repair', all: true });
    const shares = await world.rows('SELECT id FROM file_shares');
    // What a restore could not bring back: the share row went with the files row.
    expect({ restorable: told.restorable, repairState: repair.state, shares }).toEqual({ restorable: false, repairState: 'failed', shares: [{ id: 'share-1' }] });
  });

  it('an AFTER DELETE trigger declared ON FILES (upper case): restorability names it, the repair is refused', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 20), goneDrive: ['g-gone-1'] }], {
      ddl: [
        FILES,
        'CREATE TABLE file_events (file_id TEXT, what TEXT)',
        'CREATE TABLE file_tags (file_id TEXT, tag TEXT)',
        `CREATE TRIGGER files_gone AFTER DELETE ON FILES BEGIN DELETE FROM file_tags WHERE file_id = old.id; INSERT INTO file_events VALUES (old.id, 'deleted'); END`,
      ],
    });
    await world.exec(`INSERT INTO file_tags (file_id, tag) VALUES ('row-g-gone-1', 'invoice')`);
    const told = await world.app.handlers['storage.restorability']({}, { actor: 'manual' });
    await world.run({ mode: 'check' });
    const repair = await world.run({ mode: 'repair', all: true });
    const tags = await world.rows('SELECT tag FROM file_tags');
    expect({ restorable: told.restorable, problems: told.problems.join(' '), repairState: repair.state, tags }).toEqual({
      restorable: false,
      problems: expect.stringMatching(/files_gone/),
      repairState: 'failed',
      tags: [{ tag: 'invoice' }],
    });
  });
});

describe('attack s26d: a product migration during a repair', () => {
  // FileQuarantine reads the files table's columns once per instance (quarantine-schema.ts filesColumns, cached) and one
  // instance serves every batch of a repair (storage-repair.ts: new FileQuarantine before the batch loop). A column the
  // product adds (and fills) between two batches is not in the row images of the later batches: the DELETE takes the value
  // with it, and the restore puts back the column's default. Issue 14: "Quarantine must keep the whole row as it was".
  it('a column added and filled between two batches of one repair comes back with its value after a restore', async () => {
    const gone = Array.from({ length: 205 }, (_, i) => `g-gone-${String(i).padStart(3, '0')}`);
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 5), goneDrive: gone }], { ddl: [FILES] });
    const check = await world.run({ mode: 'check' });
    expect(check.state).toBe('succeeded');
    expect(await world.app.store.findings.open('storage-orphans')).toHaveLength(gone.length);

    const w = world;
    const original = FileQuarantine.prototype.quarantine;
    let calls = 0;
    const firstBatch = new Set<string>();
    vi.spyOn(FileQuarantine.prototype, 'quarantine').mockImplementation(async function (this: FileQuarantine, ...args: Parameters<FileQuarantine['quarantine']>) {
      const moved = await original.apply(this, args);
      if (++calls === 1) {
        for (const row of moved) firstBatch.add(row.id);
        // The product's migration, committed between the first and the second batch.
        await w.exec(`ALTER TABLE files ADD COLUMN folder_id TEXT NOT NULL DEFAULT 'unfiled'`);
        await w.exec(`UPDATE files SET folder_id = 'folder-of-' || id`);
      }
      return moved;
    });
    const repair = await world.run({ mode: 'repair', all: true });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(repair.result).toMatchObject({ quarantined: gone.length });
    vi.restoreAllMocks();

    // A row of a later batch: it had folder_id 'folder-of-<id>' when it was moved.
    const later = (await world.rows<{ id: string }>('SELECT id FROM file_quarantine ORDER BY id')).filter((r) => !firstBatch.has(r.id));
    expect(firstBatch.size).toBeGreaterThan(0);
    expect(later.length).toBeGreaterThan(0);
    const held = later[0];
    const [finding] = await world.app.store.db.all<{ id: number }>(`SELECT id FROM findings WHERE engine = 'storage-orphans' AND status = 'quarantined' AND details_json LIKE ?`, [`%"fileRowId":"${held!.id}"%`]);
    expect(finding).toBeDefined();
    await world.app.handlers['storage.restore']({ findingId: finding!.id }, { actor: 'manual' });
    const [back] = await world.rows<{ folder_id: string }>('SELECT folder_id FROM files WHERE id = ?', [held!.id]);
    expect(back?.folder_id).toBe(`folder-of-${held!.id}`);
  }, 60_000);
});
