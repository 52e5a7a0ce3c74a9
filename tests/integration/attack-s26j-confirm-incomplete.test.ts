import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * s26j attack on 1909711 (repair-confirm.ts). A Drive account whose listing is always incompleteSearch is checked by
 * probing every row (account-check.ts falls back). Its person's repair of more than 64 findings asks for ONE complete
 * listing instead and has no such fallback: the listing is refused, every finding fails, and the orphans can never be
 * repaired however often the admin tries (nothing else in the product can be done about it either).
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const incomplete = { status: 200, body: { kind: 'drive#fileList', incompleteSearch: true, files: [] } };

describe('s26j: repair of >64 findings of an incompleteSearch Drive account', () => {
  it('the orphans the check found by probing are quarantined by a repair (Drive answers files.get for each)', async () => {
    const gone = Array.from({ length: 70 }, (_, i) => `g-gone-${i}`);
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: gone }]);
    world.google.fault('drive.files.list', incomplete);
    const check = resultOf(await world.run({ mode: 'check', full: true }));
    expect(check.orphans).toBe(70);
    const repair = await world.run({ mode: 'repair', user: 'ada' });
    const left = await world.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM files WHERE provider_file_id LIKE 'g-gone-%'`);
    expect({ state: repair.state, quarantined: (repair.result as { quarantined?: number }).quarantined, left: left[0]?.n }, JSON.stringify(repair.result).slice(0, 600)).toEqual({ state: 'succeeded', quarantined: 70, left: 0 });
  });
});
