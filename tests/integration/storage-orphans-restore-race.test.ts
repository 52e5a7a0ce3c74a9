import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from '../helpers/postgres';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * Two restores of the same finding at once (two admins, or a double click
 * through the CLI and the console) on PostgreSQL: one puts the row back; the
 * other must not claim that the row "stays in quarantine" nor leave a
 * restore error on a finding that was restored (DESIGN §4.3: say what is true).
 */
const postgres = usePostgres();

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans: concurrent restores of one row (PostgreSQL)', () => {
  it('every call reports the row restored; no restore error is left on the finding', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), goneDrive: ['g-gone'] }], { postgresUrl: await postgres().createDatabase('restore_race') });
    await world.run({ mode: 'check', strategy: 'probe' });
    const [finding] = await world.app.store.findings.open('storage-orphans');
    await world.run({ mode: 'repair', all: true });
    const id = finding?.id as number;
    const call = () =>
      Promise.resolve()
        .then(() => world?.app.handlers['storage.restore']({ findingId: id }, { actor: 'manual' }))
        .then((r) => ({ ok: r?.restored }), (e: Error) => ({ err: e.message }));
    const outcomes = await Promise.all([call(), call(), call(), call()]);
    for (const outcome of outcomes) expect(outcome).not.toMatchObject({ err: expect.stringMatching(/stays in quarantine/) });
    expect((await world.app.store.findings.byIds([id]))[0]).toMatchObject({ status: 'restored' });
    expect((await world.app.store.findings.byIds([id]))[0]?.details?.restoreError ?? null).toBeNull();
    expect(await world.rows("SELECT id FROM files WHERE id = 'row-g-gone'")).toHaveLength(1);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([]);
  });
});
