import { afterEach, describe, expect, it } from 'vitest';
import { dropboxAccountId, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { describeOpen, FILES, insert, openOrphans, restore } from './storage-orphans.id-tables';

/**
 * Attack s23b on 2d822ec: other ways to make a delta probe only SOME of the rows that share one gone cloud file (a
 * table without UNIQUE cloud id). applyDelta's `concluded` is a set of cloud ids: once one row of a file is probed,
 * the earlier findings of every other row of that file are neither re-emitted (not probed) nor carried, and the run's
 * end supersedes them. 2d822ec keyed `previous` by row so that two such rows each keep their finding; these paths
 * still lose one. OLDER than 2d822ec in the mechanism (`concluded` by cloud id predates it), but they defeat what
 * 2d822ec set out to guarantee. Each test asserts the SAFE behaviour.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack s23b: one row of a shared gone file probed, the other not', () => {
  // Dropbox deletions name paths, not ids: a deletion of a file named like row A ties no row (s26), the account is
  // listed in full, and both rows of the gone file keep their findings.
  it('Dropbox: a deletion named like one of the two rows keeps the other row\'s finding open', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: [{ id: 'id:other', path: '/Apps/Product/a.txt' }, { id: 'id:live', path: '/Apps/Product/live.txt' }] }], {
      ddl: [FILES('TEXT PRIMARY KEY', false)],
    });
    // Two rows of one gone Dropbox file, under two names; the row of the live file named a.txt goes (the product dropped it).
    await world.exec("DELETE FROM files WHERE id = 'row-id:other'");
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('row-a', 'ada', 'dropbox', 'id:gone', 'a.txt', 1), ('row-b', 'ada', 'dropbox', 'id:gone', 'b.txt', 1)");
    await world.run({ mode: 'check', full: true });
    expect(await describeOpen(world)).toEqual(['ada/dropbox/row-a/id:gone', 'ada/dropbox/row-b/id:gone']);
    world.dropbox.deletePath(dropboxAccountId('ada'), '/Apps/Product/a.txt');
    const delta = resultOf(await world.run({ mode: 'check' }));
    // The deletion names a path no id is known at: a name ties no row (s26), so the account is listed in full.
    expect(delta.results[0], JSON.stringify(delta.results)).toMatchObject({ pass: 'full', passReason: 'changes not tied to files' });
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual(['ada/dropbox/row-a/id:gone', 'ada/dropbox/row-b/id:gone']);
    expect(delta.orphans).toBe(2);
  });

  // A row restored from quarantine is new to the next delta (forgetSeen), so it alone would be probed. The restore
  // itself goes ahead beside the other row of the same cloud file (the table allows two; refusing would leave the row
  // to the purge: s26 attack), the other row's finding stays open through the next delta, and the restored row's
  // file is found gone again.
  it('a restore of one of the two rows goes back beside the other; both findings are open after the next delta', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    await insert(world, "'row-g-gone-copy'", 'g-gone');
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    const copy = (await openOrphans(world)).find((f) => f.details?.fileRowId === 'row-g-gone-copy');
    await world.run({ mode: 'repair', findingIds: [copy!.id] });
    expect(await describeOpen(world)).toEqual(['ada/google/row-g-gone/g-gone']);
    await restore(world, copy!.id);
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results[0], JSON.stringify(delta.results)).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual(['ada/google/row-g-gone-copy/g-gone', 'ada/google/row-g-gone/g-gone']);
  });

  it('a restore beside another row of the same file that a unique key forbids is refused and says which row holds it', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    const [gone] = await openOrphans(world);
    await world.run({ mode: 'repair', findingIds: [gone!.id] });
    // The product re-added a row for that file since, and declares one row per file.
    await insert(world, "'row-g-gone-again'", 'g-gone');
    await world.exec('CREATE UNIQUE INDEX files_one_row_per_file ON files (provider, provider_file_id)');
    await expect(restore(world, gone!.id)).rejects.toThrow(/beside its row row-g-gone-again for the same google file \(g-gone\).*stays in quarantine/);
  });

  // A row the product re-points at a gone file another row already has a finding for: the re-pointed row is unseen
  // under its new key and probed; the other row's finding goes.
  it('a row re-pointed at the gone file of another row keeps that row\'s finding open', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    expect(await describeOpen(world)).toEqual(['ada/google/row-g-gone/g-gone']);
    await world.exec("UPDATE files SET provider_file_id = 'g-gone' WHERE id = 'row-g-ada-0'");
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(delta.results[0], JSON.stringify(delta.results)).toMatchObject({ pass: 'delta' });
    expect(await describeOpen(world), JSON.stringify(delta.results)).toEqual(['ada/google/row-g-ada-0/g-gone', 'ada/google/row-g-gone/g-gone']);
  });
});
