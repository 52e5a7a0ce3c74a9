import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * Honest outcomes (DESIGN §4.6): a storage-orphans run in which some accounts
 * could not be checked, or some rows could not be quarantined, ends `partial`
 * with itemsFailed and names them; a run where everything worked ends `succeeded`.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const openFindings = async (w: StorageWorld) =>
  (await w.app.handlers['findings.list']({ engine: 'storage-orphans', status: 'open', sort: 'subject', direction: 'asc', limit: 500, offset: 0 }, { actor: 'manual' })).items;

describe('storage-orphans: honest outcomes', () => {
  it('a check where one account answers 500 beyond the retries ends partial, itemsFailed 1, naming that account; all good ends succeeded', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-ada-gone'] }, { id: 'bob', dropbox: dropboxFiles('bob', 2) }]);
    world.dropbox.fault('dropbox.files.list_folder', { status: 500, body: 'Internal Server Error' });
    const check = await world.run({ mode: 'check', strategy: 'list' });
    expect(check.state).toBe('partial');
    expect(check.result).toMatchObject({ itemsFailed: 1, failedItems: [{ item: 'bob@example.com (Dropbox)', reason: expect.any(String) }], orphans: 1 });
    expect((check.result?.failedItems as unknown[]).length).toBe(1);

    world.dropbox.clearFaults();
    const clean = await world.run({ mode: 'check', strategy: 'list' });
    expect(clean.state).toBe('succeeded');
    expect(clean.result).toMatchObject({ itemsFailed: 0 });
    expect(clean.result).not.toHaveProperty('failedItems');
  });

  it('a repair where the database refuses one row ends partial, itemsFailed 1, naming the row; the others are quarantined and the refused one stays', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), goneDrive: ['g-ada-gone-1', 'g-ada-gone-2', 'g-ada-gone-3'] }]);
    // A product table still points at one orphan row: its foreign key (NO ACTION) makes deleting that row fail.
    await world.exec('CREATE TABLE shares (id TEXT PRIMARY KEY, file_id TEXT NOT NULL REFERENCES files(id))');
    await world.exec("INSERT INTO shares (id, file_id) VALUES ('share-1', 'row-g-ada-gone-2')");
    const check = await world.run({ mode: 'check' });
    expect(check.state).toBe('succeeded');
    const orphans = (await openFindings(world)).filter((f) => f.kind === 'orphan');
    expect(orphans).toHaveLength(3);

    const repair = await world.run({ mode: 'repair', findingIds: orphans.map((f) => f.id) });
    expect(repair.state).toBe('partial');
    expect(repair.result).toMatchObject({ quarantined: 2, itemsFailed: 1, failedItems: [{ item: 'file:row-g-ada-gone-2', reason: expect.stringMatching(/refused to quarantine file row row-g-ada-gone-2: .*FOREIGN KEY/) }] });
    expect((await world.rows<{ id: string }>('SELECT id FROM files WHERE id LIKE ? ORDER BY id', ['row-g-ada-gone%'])).map((r) => r.id)).toEqual(['row-g-ada-gone-2']);
    expect((await world.rows<{ id: string }>('SELECT id FROM file_quarantine ORDER BY id')).map((r) => r.id)).toEqual(['row-g-ada-gone-1', 'row-g-ada-gone-3']);
    // The refused row's finding stays open for the next repair.
    expect((await openFindings(world)).map((f) => f.subject)).toEqual(['file:row-g-ada-gone-2']);

    await world.exec("DELETE FROM shares WHERE id = 'share-1'");
    const retried = await world.run({ mode: 'repair', all: true });
    expect(retried.state).toBe('succeeded');
    expect(retried.result).toMatchObject({ quarantined: 1, itemsFailed: 0 });
  });

  it('a row a trigger silently keeps (BEFORE DELETE … RAISE(IGNORE)) is a failed item, not quarantined: partial, one copy only, its finding open', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), goneDrive: ['g-ada-gone-1', 'g-ada-gone-2'] }]);
    // The product's rule keeps one row without an error: the DELETE of the move changes nothing for it.
    await world.exec("CREATE TRIGGER keep_gone_2 BEFORE DELETE ON files WHEN OLD.id = 'row-g-ada-gone-2' BEGIN SELECT RAISE(IGNORE); END");
    expect((await world.run({ mode: 'check' })).state).toBe('succeeded');
    const orphans = (await openFindings(world)).filter((f) => f.kind === 'orphan');
    expect(orphans).toHaveLength(2);

    // The admin confirmed the trigger (it runs on delete, so a restore could not undo what it does elsewhere).
    const repair = await world.run({ mode: 'repair', findingIds: orphans.map((f) => f.id), allowUnrestorable: true });
    expect((await world.rows<{ id: string }>('SELECT id FROM files WHERE id LIKE ? ORDER BY id', ['row-g-ada-gone%'])).map((r) => r.id)).toEqual(['row-g-ada-gone-2']);
    // The row is in exactly one of the two tables (DESIGN §4.4): no quarantined copy of a row still live.
    expect((await world.rows<{ id: string }>('SELECT id FROM file_quarantine ORDER BY id')).map((r) => r.id)).toEqual(['row-g-ada-gone-1']);
    expect(repair.state).toBe('partial');
    expect(repair.result).toMatchObject({ quarantined: 1, itemsFailed: 1, failedItems: [{ item: 'file:row-g-ada-gone-2', reason: expect.stringMatching(/row-g-ada-gone-2/) }] });
    expect((await openFindings(world)).map((f) => f.subject)).toEqual(['file:row-g-ada-gone-2']);
  });

  it('a provider whose connection is misconfigured (two to choose from, a name that does not exist) is not skipped as "not set up": partial, its accounts named', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-ada-gone'] }, { id: 'bob', dropbox: dropboxFiles('bob', 2) }]);
    // A second Google connection: which one the check must use is the admin's to say (googleConnection).
    await world.app.connections.create({ kind: 'google', name: 'Google (old)', config: { clientId: 'old-client' }, secrets: { clientSecret: 'old-secret' } });
    const ambiguous = await world.run({ mode: 'check' });
    expect(ambiguous.state).toBe('partial');
    expect(ambiguous.result).toMatchObject({ itemsFailed: 1, failedItems: [{ item: 'ada@example.com (Google Drive)', reason: expect.stringMatching(/choose one by name.*googleConnection/) }] });

    const misnamed = await world.run({ mode: 'check', googleConnection: 'Gogle' });
    expect(misnamed.state).toBe('partial');
    expect(misnamed.result).toMatchObject({ itemsFailed: 1, failedItems: [{ item: 'ada@example.com (Google Drive)', reason: expect.stringMatching(/no google connection named "Gogle"/) }] });

    // Chosen by name, the check concludes on both providers.
    const chosen = await world.run({ mode: 'check', googleConnection: 'Google' });
    expect(chosen.state).toBe('succeeded');
    expect(chosen.result).toMatchObject({ itemsFailed: 0, orphans: 1 });
  });
});
