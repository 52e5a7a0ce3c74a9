import { afterEach, describe, expect, it } from 'vitest';
import { openStorageWorld, type StorageWorld } from './storage-orphans.setup';

/**
 * DESIGN §4.3 with column names that are valid identifiers yet special to
 * JavaScript objects (`__proto__`, `constructor`): the row image must keep
 * them like any other column, so restore puts the row back whole.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const FILES = `CREATE TABLE files (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size INTEGER,
  created_at TEXT DEFAULT CURRENT_TIMESTAMP, "__proto__" TEXT NOT NULL, "constructor" TEXT, "hasOwnProperty" INTEGER,
  UNIQUE (provider, provider_file_id))`;

describe('whole-row quarantine with columns named like JavaScript object internals', () => {
  it('restores __proto__, constructor and hasOwnProperty columns byte-equal', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: [], goneDrive: ['g-gone'] }], {
      ddl: [FILES],
      fileExtras: { columns: ['"__proto__"', '"constructor"', '"hasOwnProperty"'], values: (pid) => [`folder-of-${pid}`, 'ctor', 7] },
    });
    const before = await world.rows('SELECT * FROM files');
    expect(before).toHaveLength(1);
    await world.run({ mode: 'check', strategy: 'probe' });
    const [finding] = await world.app.store.findings.open('storage-orphans');
    expect((await world.run({ mode: 'repair', all: true })).result).toMatchObject({ quarantined: 1 });
    const restored = await world.app.handlers['storage.restore']({ findingId: finding?.id as number }, { actor: 'manual' });
    expect(restored).toMatchObject({ restored: true });
    expect(await world.rows('SELECT * FROM files')).toEqual(before);
    // Read under plain aliases too (a driver may build rows on ordinary objects).
    expect(await world.rows('SELECT "__proto__" AS p, "constructor" AS c, "hasOwnProperty" AS h FROM files')).toEqual([{ p: 'folder-of-g-gone', c: 'ctor', h: 7 }]);
  });
});
