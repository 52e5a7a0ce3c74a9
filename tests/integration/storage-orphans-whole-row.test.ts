import { afterEach, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { usePostgres } from '../helpers/postgres';
import { PG_FILES, pgExtras, snapshot, SQLITE_FILES, sqliteExtras } from './storage-orphans.product-tables';
import { dropboxFiles, driveFiles, openStorageWorld, type StorageWorld, type WorldOptions } from './storage-orphans.setup';

/**
 * DESIGN §4.3 on a product's real files table: extra NOT NULL, defaulted, JSON, binary, generated and identity
 * columns, in SQLite and PostgreSQL. Every column's value and type is compared before the quarantine and after
 * the restore; a restore that cannot succeed keeps the quarantined row and says why.
 */
const postgres = usePostgres();
let databases = 0;

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const DIALECTS = [
  { name: 'sqlite', options: async (): Promise<WorldOptions> => ({ ddl: [SQLITE_FILES], fileExtras: sqliteExtras }) },
  { name: 'postgres', options: async (): Promise<WorldOptions> => ({ postgresUrl: await postgres().createDatabase(`whole_row_${++databases}`), ddl: [PG_FILES], fileExtras: pgExtras }) },
] as const;

async function withDb<T>(w: StorageWorld, work: (db: AppDbAdapter) => Promise<T>): Promise<T> {
  const db = w.open();
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const restore = (w: StorageWorld, findingId: number) => Promise.resolve().then(() => w.app.handlers['storage.restore']({ findingId }, { actor: 'manual' }));

async function checkAndQuarantine(w: StorageWorld): Promise<{ ids: number[]; before: Map<string, Record<string, unknown>> }> {
  const check = await w.run({ mode: 'check' });
  expect(check.state).toBe('succeeded');
  const open = await w.app.store.findings.open('storage-orphans');
  expect(open).toHaveLength(3);
  const before = await withDb(w, snapshot);
  const repair = await w.run({ mode: 'repair', all: true });
  expect(repair.result).toMatchObject({ quarantined: 3 });
  return { ids: open.map((f) => f.id), before };
}

describe.each(DIALECTS)('whole-row quarantine on $name', ({ options }) => {
  it('restores every column byte-equal: extra NOT NULL, defaulted, JSON, binary, generated and identity columns', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone-1', 'g-gone-2'], dropbox: dropboxFiles('ada', 2), goneDropbox: ['id:d-gone'] }], await options());
    const { ids, before } = await checkAndQuarantine(world);
    const quarantinedIds = ['row-g-gone-1', 'row-g-gone-2', 'row-id:d-gone'];
    expect((await world.rows(`SELECT id FROM files WHERE id IN (?, ?, ?)`, quarantinedIds))).toEqual([]);
    // The audit's before-image is the whole row too.
    const audit = (await world.app.store.audit.list({ engine: 'storage-orphans', limit: 5, offset: 0 })).items.find((a) => a.action === 'quarantine-files');
    expect(JSON.stringify(audit?.before)).toContain('folder_id');

    for (const id of ids) expect(await restore(world, id)).toMatchObject({ restored: true, status: 'restored' });
    const after = await withDb(world, snapshot);
    expect(after.size).toBe(before.size);
    for (const id of quarantinedIds) expect(after.get(id)).toEqual(before.get(id));
    expect(after).toEqual(before);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
  });

  it('a restore that cannot succeed keeps the quarantined row, and the finding and the result say why', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone-1', 'g-gone-2'], goneDropbox: ['id:d-gone'], dropbox: [] }], await options());
    const { ids, before } = await checkAndQuarantine(world);
    const findingOf = async (rowId: string) => {
      for (const id of ids) if ((await world?.app.store.findings.byIds([id]))?.[0]?.details?.fileRowId === rowId) return id;
      return undefined as unknown as number;
    };
    const held = async () => (await world?.rows<{ id: string }>('SELECT id FROM file_quarantine ORDER BY id'))?.map((r) => r.id);
    const extras = world.dialect === 'sqlite' ? sqliteExtras : pgExtras;
    const insert = (id: string, pid: string, i: number) =>
      world?.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name, size, ${extras?.columns.join(', ')}) VALUES (?, 'ada', 'google', ?, 'x', 1, ${extras?.columns.map(() => '?').join(', ')})`, [id, pid, ...(extras?.values(pid, i) ?? [])]);

    // 1. The product made a new row with the same id since the quarantine.
    await insert('row-g-gone-1', 'other-file', 90);
    const first = await findingOf('row-g-gone-1');
    await expect(restore(world, first)).rejects.toThrow(/not restored: A row with the id row-g-gone-1 is in files again .* stays in quarantine/);
    expect((await world.app.store.findings.byIds([first]))[0]).toMatchObject({ status: 'quarantined', details: { restoreError: { message: expect.stringMatching(/is in files again/) } } });

    // 2. A constraint refuses the values (a unique index the product added since).
    await world.exec('CREATE UNIQUE INDEX files_checksum_key ON files (checksum)');
    await insert('row-new', 'new-file', 3); // the same checksum as row-g-gone-2 (the fourth row written)
    const second = await findingOf('row-g-gone-2');
    await expect(restore(world, second)).rejects.toThrow(/refused file row row-g-gone-2 back into files: .*(UNIQUE|unique).* stays in quarantine/);

    // 3. The table lost a column the row had.
    await world.exec('ALTER TABLE files DROP COLUMN score');
    const third = await findingOf('row-id:d-gone');
    await expect(restore(world, third)).rejects.toThrow(/files no longer has the column score that the row had/);
    expect(await held()).toEqual(['row-g-gone-1', 'row-g-gone-2', 'row-id:d-gone']);
    for (const id of [first, second, third]) expect((await world.app.store.findings.byIds([id]))[0]?.status).toBe('quarantined');

    // Once the admin resolves the clash, the same restore works and the finding drops the old reason.
    await world.exec(`DELETE FROM files WHERE id IN ('row-g-gone-1', 'row-new')`);
    await world.exec('DROP INDEX files_checksum_key');
    await world.exec(`ALTER TABLE files ADD COLUMN score ${world.dialect === 'sqlite' ? 'REAL' : 'double precision'}`);
    expect(await restore(world, first)).toMatchObject({ restored: true });
    expect((await world.app.store.findings.byIds([first]))[0]?.details?.restoreError).toBeUndefined();
    const after = await withDb(world, snapshot);
    const strip = (row: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(row ?? {}).filter(([c]) => c !== 'score'));
    expect(strip(after.get('row-g-gone-1'))).toEqual(strip(before.get('row-g-gone-1')));
  });

  it('a quarantine made by an older version (canonical columns only, no row_image column) still restores', async () => {
    const base = await options();
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), goneDrive: ['g-gone-1', 'g-gone-2', 'g-gone-3'] }], { ...(base.postgresUrl ? { postgresUrl: base.postgresUrl } : {}) });
    const { ids } = await checkAndQuarantine(world);
    await world.exec('ALTER TABLE file_quarantine DROP COLUMN row_image');
    for (const id of ids) expect(await restore(world, id)).toMatchObject({ restored: true });
    expect((await world.rows<{ id: string }>(`SELECT id FROM files WHERE id LIKE 'row-g-gone-%' ORDER BY id`)).map((r) => r.id)).toEqual(['row-g-gone-1', 'row-g-gone-2', 'row-g-gone-3']);
    // The next repair adds the column back by itself.
    await world.run({ mode: 'check' });
    await world.run({ mode: 'repair', all: true });
    expect(await world.rows('SELECT id FROM file_quarantine WHERE row_image IS NOT NULL')).toHaveLength(3);
  });

  it('when deleting a files row would take rows of another table with it, a repair is refused until the admin agrees', async () => {
    const base = await options();
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 40), goneDrive: ['g-gone-1'] }], {
      ...(base.postgresUrl ? { postgresUrl: base.postgresUrl } : {}),
      ddl: [
        'CREATE TABLE files (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size BIGINT, created_at TEXT, UNIQUE (provider, provider_file_id))',
        'CREATE TABLE file_shares (id TEXT PRIMARY KEY, file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE)',
      ],
    });
    await world.exec(`INSERT INTO file_shares (id, file_id) VALUES ('share-1', 'row-g-gone-1')`);
    const told = await world.app.handlers['storage.restorability']({}, { actor: 'manual' });
    expect(told).toMatchObject({ restorable: false, retentionDays: 30 });
    expect(told.problems.join(' ')).toMatch(/Deleting a files row also deletes rows of .*file_shares.* \(ON DELETE CASCADE\)/);

    await world.run({ mode: 'check' });
    const refused = await world.run({ mode: 'repair', all: true });
    expect(refused.state).toBe('failed');
    expect(refused.error?.message ?? JSON.stringify(refused)).toMatch(/Nothing was quarantined: a quarantined row could not be restored whole/);
    // A scheduled auto-repair never removes what cannot come back whole: the finding waits for a person.
    const auto = await world.run({ mode: 'check', autoRepair: true }, 'schedule');
    expect(auto.result).toMatchObject({ repaired: 0, repair: { refused: [expect.stringMatching(/ON DELETE CASCADE/)] } });
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);

    const agreed = await world.run({ mode: 'repair', all: true, allowUnrestorable: true });
    expect(agreed.result).toMatchObject({ quarantined: 1 });
    expect(await world.rows('SELECT id FROM file_shares')).toEqual([]);
  });
});
