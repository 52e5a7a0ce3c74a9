import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { FILES, openOrphans, resultFor } from './storage-orphans.id-tables';

/**
 * Attack s22b on 8d12b42: the capped row count of the cost model (fullPassCost / rowsWorthCounting /
 * countAccountRows) with a stale listing size in state, tiny and big accounts under `auto` and `probe`, and thousands
 * of drifted rows in one chunk whose ids read like live rows' ids. Safe behaviour asserted: a failing test is a fault.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const pidsOpen = async (w: StorageWorld) => (await openOrphans(w)).map((f) => String(f.details?.providerFileId)).sort();
const count = async (w: StorageWorld, where: string) => Number((await w.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM files WHERE ${where}`))[0]?.n);

describe('attack s22b: the capped count with a stale listing size', () => {
  it('Drive listed at 2500 files; the product then keeps no live row and adds 2 gone ones: the full auto pass probes and finds both', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2500) }]);
    const first = resultOf(await world.run({ mode: 'check', full: true }));
    expect(resultFor(first, 'ada', 'google')).toMatchObject({ mode: 'list', orphans: 0 });
    await world.exec('DELETE FROM files');
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('n1', 'ada', 'google', 'g-gone-1', 'a', 1), ('n2', 'ada', 'google', 'g-gone-2', 'b', 1)");
    const second = resultOf(await world.run({ mode: 'check', full: true }));
    expect(resultFor(second, 'ada', 'google'), JSON.stringify(second.results)).toMatchObject({ mode: 'probe', orphans: 2, filesChecked: 2 });
    expect(await pidsOpen(world)).toEqual(['g-gone-1', 'g-gone-2']);
  }, 120_000);

  it('Drive listed at 3 files; the product then adds 2500 rows (one gone) and the cloud 2499 files: the auto pass finds the gone one', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }]);
    await world.run({ mode: 'check', full: true, strategy: 'list' });
    for (let i = 3; i < 2502; i++) world.google.addFile('ada', { id: `g-ada-${i}`, name: `g-${i}.pdf`, mimeType: 'application/pdf', parents: ['root'], size: 1 });
    const db = world.open();
    try {
      await db.transaction(async (tx) => {
        await tx.executeMany(
          'INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)',
          Array.from({ length: 2499 }, (_, k) => [`row-g-ada-${k + 3}`, 'ada', 'google', `g-ada-${k + 3}`, 'x']),
        );
        await tx.execute("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('zz-gone', 'ada', 'google', 'g-gone', 'x', 1)");
      });
    } finally {
      await db.close();
    }
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(resultFor(check, 'ada', 'google'), JSON.stringify(check.results)).toMatchObject({ orphans: 1, filesChecked: 2503 });
    expect(await pidsOpen(world)).toEqual(['g-gone']);
  }, 120_000);

  it('Dropbox listed at 2 files; the product then has 4001 rows (two gone): every row is spoken for, both gone ones found', async () => {
    world = await openStorageWorld([{ id: 'ada', dropbox: dropboxFiles('ada', 2) }]);
    await world.run({ mode: 'check', full: true });
    const db = world.open();
    try {
      await db.transaction(async (tx) => {
        await tx.executeMany(
          'INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)',
          Array.from({ length: 3997 }, (_, k) => [`row-x-${k}`, 'ada', 'dropbox', `id:d-x-${k}`, 'x']),
        );
        await tx.execute("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('zz-gone-1', 'ada', 'dropbox', 'id:d-gone', 'x', 1), ('zz-gone-2', 'ada', 'dropbox', '/Apps/Product/none.txt', 'none.txt', 1)");
      });
    } finally {
      await db.close();
    }
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    // The 3997 new rows point at ids the account does not have either: they are orphans too.
    expect(resultFor(check, 'ada', 'dropbox'), JSON.stringify(check.results)).toMatchObject({ orphans: 3999, filesChecked: 4001 });
  }, 120_000);

  it.each([
    { strategy: 'auto', rows: 0 },
    { strategy: 'auto', rows: 1 },
    { strategy: 'probe', rows: 0 },
    { strategy: 'probe', rows: 1 },
    { strategy: 'probe', rows: 2 },
  ] as const)('tiny Drive account, strategy $strategy, $rows live row(s) + 1 gone: the gone row found, a second check too', async ({ strategy, rows }) => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }]);
    await world.exec(`DELETE FROM files WHERE provider_file_id LIKE 'g-ada-%' AND CAST(substr(provider_file_id, 7) AS INTEGER) >= ${rows}`);
    const first = resultOf(await world.run({ mode: 'check', full: true, strategy }));
    expect(resultFor(first, 'ada', 'google'), JSON.stringify(first.results)).toMatchObject({ orphans: 1, filesChecked: rows + 1 });
    await world.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('later', 'ada', 'google', 'g-gone-later', 'x', 1)");
    const second = resultOf(await world.run({ mode: 'check', strategy }));
    expect(resultFor(second, 'ada', 'google'), JSON.stringify(second.results)).toMatchObject({ orphans: 2 });
    expect(await pidsOpen(world)).toEqual(['g-gone', 'g-gone-later']);
  });
});

describe('attack s22b: thousands of drifted rows in one chunk whose ids read like live rows', () => {
  it('1000 live text ids "i" and 1000 gone integer ids i (one account): exactly the 1000 integer rows reported; no live row ever moved', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1000) }], { ddl: [FILES('PRIMARY KEY')] });
    await world.exec("UPDATE files SET id = CAST(substr(provider_file_id, 7) AS TEXT)");
    const db = world.open();
    try {
      await db.transaction((tx) =>
        tx.executeMany(
          'INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)',
          Array.from({ length: 1000 }, (_, i) => [BigInt(i), 'ada', 'google', `g-gone-${i}`, 'x']),
        ),
      );
    } finally {
      await db.close();
    }
    const check = resultOf(await world.run({ mode: 'check', full: true, strategy: 'list' }));
    expect(check.orphans).toBe(1000);
    const open = await openOrphans(world);
    expect(open.length).toBe(1000);
    expect(open.every((f) => String(f.details?.providerFileId).startsWith('g-gone-'))).toBe(true);
    await world.run({ mode: 'repair', all: true });
    expect(await count(world, "provider_file_id LIKE 'g-ada-%'")).toBe(1000);
    const heldLive = await world.rows("SELECT id FROM file_quarantine WHERE provider_file_id LIKE 'g-ada-%'");
    expect(heldLive).toEqual([]);
  }, 180_000);

  it("2500 of ada's gone text ids beside bob's 2500 live integer ids (same text): ada's 2500 reported, none of bob's; a delta keeps them", async () => {
    world = await openStorageWorld(
      [
        { id: 'ada', drive: driveFiles('ada', 1) },
        { id: 'bob', drive: driveFiles('bob', 2500) },
      ],
      { ddl: [FILES('PRIMARY KEY')] },
    );
    await world.exec("UPDATE files SET id = CAST(substr(provider_file_id, 7) AS INTEGER) WHERE user_id = 'bob'");
    const db = world.open();
    try {
      await db.transaction((tx) =>
        tx.executeMany(
          'INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)',
          Array.from({ length: 2500 }, (_, i) => [String(i), 'ada', 'google', `g-gone-${i}`, 'x']),
        ),
      );
    } finally {
      await db.close();
    }
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(resultFor(check, 'ada', 'google')).toMatchObject({ orphans: 2500 });
    expect(resultFor(check, 'bob', 'google')).toMatchObject({ orphans: 0 });
    const open = await openOrphans(world);
    expect(open.filter((f) => f.details?.userId === 'bob')).toEqual([]);
    expect(open.length).toBe(2500);
    const delta = resultOf(await world.run({ mode: 'check' }));
    expect(resultFor(delta, 'ada', 'google'), JSON.stringify(delta.results)).toMatchObject({ orphans: 2500 });
    expect((await openOrphans(world)).length).toBe(2500);
    await world.run({ mode: 'repair', all: true });
    expect(await count(world, "user_id = 'bob'")).toBe(2500);
  }, 180_000);
});
