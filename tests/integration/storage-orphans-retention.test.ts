import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const DAY = 86_400_000;
const finding = async (w: StorageWorld, id: number) => (await w.app.store.findings.byIds([id]))[0];
const accounts = async (w: StorageWorld, input: { sort: 'user' | 'provider' | 'files' | 'openOrphans' | 'lastCheckAt' | 'status'; direction: 'asc' | 'desc'; limit?: number; offset?: number }) =>
  Promise.resolve(await w.app.handlers['storage.accounts']({ limit: 50, offset: 0, ...input }, { actor: 'manual' })).then((page) => page.items.map((a) => `${a.userId}:${a.provider}`));

describe('storage-orphans retention and the accounts list', () => {
  it('a quarantine records its dates in the finding; after retention the purge marks it repaired and restore says purged', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-ada-gone', 'g-ada-kept'] }]);
    await world.run({ mode: 'check' });
    const open = await world.app.store.findings.open('storage-orphans');
    const [gone, kept] = open.map((f) => f.id) as [number, number];
    const repair = await world.run({ mode: 'repair', findingIds: [gone, kept], retentionDays: 7 });
    expect(repair.result).toMatchObject({ quarantined: 2 });

    const quarantined = await finding(world, gone);
    const { quarantinedAt, purgeAfter } = quarantined?.details as { quarantinedAt: string; purgeAfter: string };
    expect(quarantined).toMatchObject({ status: 'quarantined', details: { fileRowId: 'row-g-ada-gone' } });
    expect(Date.parse(purgeAfter) - Date.parse(quarantinedAt)).toBe(7 * DAY);
    expect(await world.rows('SELECT purge_after FROM file_quarantine WHERE id = ?', ['row-g-ada-gone'])).toEqual([{ purge_after: purgeAfter }]);

    // One row's retention ended; the next run (any mode) purges it and closes its finding.
    await world.exec('UPDATE file_quarantine SET purge_after = ? WHERE id = ?', [new Date(Date.now() - DAY).toISOString(), 'row-g-ada-gone']);
    const check = await world.run({ mode: 'check' });
    expect(resultOf(check)).toMatchObject({ purged: 1 });
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([{ id: 'row-g-ada-kept' }]);
    const purged = await finding(world, gone);
    expect(purged).toMatchObject({ status: 'repaired', details: { quarantinedAt, purgeAfter, fileRowId: 'row-g-ada-gone' } });
    expect(Date.parse(String(purged?.details?.purgedAt))).toBeGreaterThanOrEqual(Date.parse(quarantinedAt));
    expect(await finding(world, kept)).toMatchObject({ status: 'quarantined' });
    await expect(Promise.resolve().then(() => world?.app.handlers['storage.restore']({ findingId: gone }, { actor: 'manual' }))).rejects.toThrow(/purged on .* nothing left to restore/);
    expect((await world.app.store.audit.list({ engine: 'storage-orphans', limit: 1, offset: 0 })).items[0]).toMatchObject({ action: 'purge-quarantined-files', before: { fileRowIds: ['row-g-ada-gone'] } });

    const [account] = (await world.app.handlers['storage.accounts']({ sort: 'user', direction: 'asc', limit: 50, offset: 0 }, { actor: 'manual' })).items;
    expect(account?.quarantined).toBe(1);
  });

  it('storage.accounts sorts on the host by each key, both ways, and pages through the same order', async () => {
    world = await openStorageWorld([
      { id: 'ada', drive: driveFiles('ada', 5), goneDrive: ['a1', 'a2'], dropbox: dropboxFiles('ada', 1) },
      { id: 'bob', drive: driveFiles('bob', 1), goneDrive: ['b1'] },
      { id: 'cy', dropbox: dropboxFiles('cy', 3) },
    ]);
    await world.run({ mode: 'check', user: 'bob' });
    await world.run({ mode: 'check', user: 'ada' });
    // cy was never checked: the roster knows the account, its last check is null.
    expect(await accounts(world, { sort: 'user', direction: 'asc' })).toEqual(['ada:dropbox', 'ada:google', 'bob:google', 'cy:dropbox']);
    expect(await accounts(world, { sort: 'user', direction: 'desc' })).toEqual(['cy:dropbox', 'bob:google', 'ada:google', 'ada:dropbox']);
    expect(await accounts(world, { sort: 'files', direction: 'desc' })).toEqual(['ada:google', 'bob:google', 'ada:dropbox', 'cy:dropbox']);
    expect(await accounts(world, { sort: 'openOrphans', direction: 'desc' })).toEqual(['ada:google', 'bob:google', 'ada:dropbox', 'cy:dropbox']);
    expect(await accounts(world, { sort: 'status', direction: 'asc' })).toEqual(['ada:google', 'bob:google', 'cy:dropbox', 'ada:dropbox']);
    expect(await accounts(world, { sort: 'provider', direction: 'asc' })).toEqual(['ada:dropbox', 'cy:dropbox', 'ada:google', 'bob:google']);
    const byCheck = await accounts(world, { sort: 'lastCheckAt', direction: 'desc' });
    expect(byCheck.slice(2)).toEqual(['bob:google', 'cy:dropbox']);
    expect((await accounts(world, { sort: 'lastCheckAt', direction: 'asc' })).at(-1)).toBe('cy:dropbox');
    const paged = [];
    for (let offset = 0; offset < 4; offset++) paged.push(...(await accounts(world, { sort: 'files', direction: 'desc', limit: 1, offset })));
    expect(paged).toEqual(await accounts(world, { sort: 'files', direction: 'desc' }));
  });
});
