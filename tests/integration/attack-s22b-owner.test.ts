import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { resultFor } from './storage-orphans.id-tables';

/**
 * Attack s22b on ownRows (8d12b42): rows read back by id are kept only if `row.userId === userId` and
 * `row.provider === provider`, compared as JavaScript strings. The account's reads (accountIds, accountRows, the
 * count) select rows with SQL `=`, which a product's column collation may make case-insensitive (user ids that are
 * emails, declared COLLATE NOCASE). A row the account's read selects is examined; it must then be concluded on the
 * same way whether the pass lists or probes, and whether it is new in a delta. Safe behaviour asserted.
 */

const FILES_NOCASE_USER = `CREATE TABLE files (
  id TEXT PRIMARY KEY, user_id TEXT COLLATE NOCASE NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size INTEGER, created_at TEXT,
  UNIQUE (provider, provider_file_id))`;

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const pidsOpen = async (w: StorageWorld) =>
  (await w.app.store.findings.open('storage-orphans'))
    .filter((f) => f.kind === 'orphan')
    .map((f) => String(f.details?.providerFileId))
    .sort();

async function nocaseWorld(): Promise<StorageWorld> {
  const w = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), dropbox: dropboxFiles('ada', 2) }], { ddl: [FILES_NOCASE_USER] });
  // The product spells the user id in another case on some rows (its column compares case-insensitively).
  await w.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('gone-g', 'ADA', 'google', 'g-gone', 'g.pdf', 1)");
  await w.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('gone-d', 'Ada', 'dropbox', 'id:d-gone', 'd.txt', 1)");
  return w;
}

describe('attack s22b: rows selected by the account read whose user id differs in case (COLLATE NOCASE)', () => {
  it('strategy probe reports both gone rows (baseline)', async () => {
    world = await nocaseWorld();
    const check = resultOf(await world.run({ mode: 'check', full: true, strategy: 'probe' }));
    expect(check.orphans, JSON.stringify(check.results)).toBe(2);
    expect(await pidsOpen(world)).toEqual(['g-gone', 'id:d-gone']);
  });

  it('strategy list reports the same two gone rows as probing does', async () => {
    world = await nocaseWorld();
    const check = resultOf(await world.run({ mode: 'check', full: true, strategy: 'list' }));
    // Every row was examined (filesChecked counts them) …
    expect(resultFor(check, 'ada', 'google')).toMatchObject({ filesChecked: 4 });
    // … so a row the listing shows gone must be reported, not dropped after the diff.
    expect(check.orphans, JSON.stringify(check.results)).toBe(2);
    expect(await pidsOpen(world)).toEqual(['g-gone', 'id:d-gone']);
  });

  it('a delta reports a new gone row spelled ADA (not marked seen without a conclusion)', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 2) }], { ddl: [FILES_NOCASE_USER] });
    await world.run({ mode: 'check', full: true });
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('gone-d', 'ADA', 'dropbox', 'id:d-gone', 'd.txt', 1)");
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(resultFor(delta, 'ada', 'dropbox')).toMatchObject({ pass: 'delta' });
    const again = resultOf(await world.run({ mode: 'check' }));
    expect(delta.orphans + again.orphans, `${JSON.stringify(delta.results)} ${JSON.stringify(again.results)}`).toBeGreaterThan(0);
    expect(await pidsOpen(world)).toEqual(['id:d-gone']);
  });

  it('a Dropbox path row spelled ADA (probed as uncovered) is reported', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 2) }], { ddl: [FILES_NOCASE_USER] });
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('gone-p', 'ADA', 'dropbox', '/Apps/Product/none.txt', 'none.txt', 1)");
    const check = resultOf(await world.run({ mode: 'check', full: true, strategy: 'list' }));
    expect(check.orphans, JSON.stringify(check.results)).toBe(1);
  });
});
