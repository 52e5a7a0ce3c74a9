import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from '../helpers/postgres';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * The purge and a restore of the same quarantined row at once (PostgreSQL): the restore holds the quarantine row's
 * lock and takes it out; the purge waits on that lock. It must report only the rows its own DELETE removed. When it
 * reported the rows a SELECT saw before, the restored row's finding was closed as purged while the row was live
 * again, and nothing offered it back (s26a reviewer's "not tested" list).
 */
const postgres = usePostgres();
const DAY = 24 * 60 * 60_000;

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans: a purge racing a restore (PostgreSQL)', () => {
  it('a row a concurrent transaction took out of quarantine is not reported purged', async () => {
    const url = await postgres().createDatabase('purge_race');
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), goneDrive: ['g-gone'] }], { postgresUrl: url });
    await world.run({ mode: 'check', strategy: 'probe' });
    await world.run({ mode: 'repair', all: true });
    const [quarantined] = (await world.app.handlers['findings.list']({ engine: 'storage-orphans', status: 'quarantined', sort: 'subject', direction: 'asc', limit: 10, offset: 0 }, { actor: 'manual' })).items;
    expect(quarantined).toBeDefined();
    await world.exec('UPDATE file_quarantine SET purge_after = ? WHERE id = ?', [new Date(Date.now() - DAY).toISOString(), 'row-g-gone']);

    // Another session takes the row out of quarantine first (as a restore does, under the row's lock) and commits late.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query("DELETE FROM file_quarantine WHERE id = 'row-g-gone'");
      const run = world.run({ mode: 'check', strategy: 'probe' });
      // The purge at the start of the check now waits on that lock; let it get there, then commit.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await other.query('COMMIT');
      const checked = await run;
      expect(checked.state).not.toBe('failed');
      expect((checked.result as { purged?: number } | undefined)?.purged ?? 0).toBe(0);
    } finally {
      await other.end();
    }
    const [after] = await world.app.store.findings.byIds([quarantined!.id]);
    expect(after?.details?.purgedAt, JSON.stringify(after)).toBeUndefined();
  });
});
