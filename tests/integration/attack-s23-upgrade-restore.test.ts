import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/*
 * Attack s23 (commit 301f82f) on what it meets from outside a check:
 * - an older version's NUL-separated `seen:` set (every full pass saved one before 301f82f, cursor or not):
 *   read by a delta, moved by a save, and dropped by forget() when the account keeps no cursor;
 * - restore from quarantine (storage-restore.ts forgetSeen) on an account that keeps no set, then grows
 *   past the page threshold and keeps one again.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ENGINE = 'storage-orphans';
const passes = (run: Run) => resultOf(run).results.map((r) => `${r.userId}:${(r as { pass?: string }).pass}:${(r as { passReason?: string }).passReason}`).sort();
const openSubjects = async (w: StorageWorld) => (await w.app.store.findings.open(ENGINE)).map((f) => f.subject).sort();
const addRow = (w: StorageWorld, user: string, id: string, pid: string) => w.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', [id, user, 'google', pid, `${id}.pdf`]);

/** Heads (today's or older) holding a set. */
async function heads(w: StorageWorld): Promise<string[]> {
  const rows = await w.app.store.db.all<{ key: string; value_json: string }>(`SELECT key, value_json FROM engine_state WHERE engine = '${ENGINE}' AND (key LIKE 'seen2:%' OR key LIKE 'seen:%')`);
  return rows.filter((r) => r.key.split(':').length === 3 && r.value_json !== 'null').map((r) => r.key).sort();
}

/** Rewrites a user's today set as the older version stored it (NUL-separated keys under `seen:`), dropping today's. */
async function downgrade(w: StorageWorld, user: string): Promise<number> {
  const state = w.app.store.engineState;
  const at = new Date().toISOString();
  const head = await state.get<{ chunks: number; count: number }>(ENGINE, `seen2:${user}:google`);
  if (!head) throw new Error('no set to downgrade');
  for (let i = 0; i < head.chunks; i++) {
    const keys = (await state.get<string[]>(ENGINE, `seen2:${user}:google:${i}`)) ?? [];
    const old = keys.map((key) => {
      const colon = key.indexOf(':');
      const length = Number(key.slice(0, colon));
      return `${key.slice(colon + 1, colon + 1 + length)}\u0000${key.slice(colon + 1 + length)}`;
    });
    await state.set(ENGINE, `seen:${user}:google:${i}`, old, at);
    await state.set(ENGINE, `seen2:${user}:google:${i}`, [], at);
  }
  await state.set(ENGINE, `seen:${user}:google`, head, at);
  await state.set(ENGINE, `seen2:${user}:google`, null, at);
  return head.count;
}

/** An older version's set for a user with no set today (what it saved after a pass without a cursor). */
async function olderSet(w: StorageWorld, user: string, pairs: [string, string][]): Promise<void> {
  const at = new Date().toISOString();
  await w.app.store.engineState.set(ENGINE, `seen:${user}:google:0`, pairs.map(([row, pid]) => `${row}\u0000${pid}`), at);
  await w.app.store.engineState.set(ENGINE, `seen:${user}:google`, { chunks: 1, count: pairs.length }, at);
}

describe('attack s23: an older version’s seen set', () => {
  it('holds: a delta reads it, a pass without a cursor drops it (older keys too), and no row is hidden on the way', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1500) }, { id: 'bob', drive: driveFiles('bob', 10) }]);
    const w = world;
    await w.run({ mode: 'check' });
    expect(await heads(w)).toEqual(['seen2:ada:google']);
    // Upgrade: Ada's set as the older version wrote it (with her cursor); Bob's small account had one too (older
    // versions saved a set after every full pass), naming his rows.
    expect(await downgrade(w, 'ada')).toBe(1500);
    await olderSet(w, 'bob', Array.from({ length: 10 }, (_, i) => [`row-g-bob-${i}`, `g-bob-${i}`]));
    expect(await heads(w)).toEqual(['seen:ada:google', 'seen:bob:google']);

    // Rows for gone files, one each; a file of each deleted behind its row.
    await addRow(w, 'ada', 'ghost-ada', 'g-never-ada');
    await addRow(w, 'bob', 'ghost-bob', 'g-never-bob');
    w.google.deleteFile('ada', 'g-ada-7');
    w.google.deleteFile('bob', 'g-bob-7');
    const next = await w.run({ mode: 'check' });
    expect(passes(next)).toEqual(['ada:delta:changes since the last pass', 'bob:full:no cursor kept']);
    expect(await openSubjects(w)).toEqual(['file:ghost-ada', 'file:ghost-bob', 'file:row-g-ada-7', 'file:row-g-bob-7']);
    // Ada's older set moved to today's keys; Bob's dropped, older keys and all.
    expect(await heads(w)).toEqual(['seen2:ada:google']);
    const leftovers = await w.app.store.db.all<{ key: string; value_json: string }>(`SELECT key, value_json FROM engine_state WHERE engine = '${ENGINE}' AND key LIKE 'seen:bob:%'`);
    expect(leftovers.every((r) => r.value_json === 'null' || r.value_json === '[]'), JSON.stringify(leftovers.map((r) => r.key))).toBe(true);

    // Ada's account shrinks to one page with her set downgraded again: the full pass that keeps no cursor drops it.
    await downgrade(w, 'ada');
    const drop = Array.from({ length: 900 }, (_, i) => `g-ada-${i + 100}`);
    for (const pid of drop) w.google.deleteFile('ada', pid);
    await w.exec(`DELETE FROM files WHERE provider_file_id IN (${drop.map(() => '?').join(', ')})`, drop);
    await w.run({ mode: 'check', full: true });
    await w.run({ mode: 'check', full: true });
    expect(await heads(w)).toEqual([]);
    await addRow(w, 'ada', 'ghost-ada-2', 'g-never-ada-2');
    const last = await w.run({ mode: 'check' });
    expect(passes(last)).toEqual(['ada:full:no cursor kept', 'bob:full:no cursor kept']);
    expect(await openSubjects(w)).toEqual(['file:ghost-ada', 'file:ghost-ada-2', 'file:ghost-bob', 'file:row-g-ada-7', 'file:row-g-bob-7']);
  }, 20_000);
});

describe('attack s23: restore from quarantine around a forgotten set', () => {
  it('holds: a row restored while the account keeps no set is found again, by the full pass and by the deltas once the account keeps a cursor again', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1500), goneDrive: ['g-gone'] }]);
    const w = world;
    await w.run({ mode: 'check' });
    expect(await openSubjects(w)).toEqual(['file:row-g-gone']);
    expect(resultOf(await w.run({ mode: 'repair', all: true }))).toMatchObject({ quarantined: 1 });
    expect(await openSubjects(w)).toEqual([]);
    // Shrinks to one page: the second full pass keeps no cursor and forgets the set.
    const drop = Array.from({ length: 800 }, (_, i) => `g-ada-${i}`);
    for (const pid of drop) w.google.deleteFile('ada', pid);
    await w.exec(`DELETE FROM files WHERE provider_file_id IN (${drop.map(() => '?').join(', ')})`, drop);
    await w.run({ mode: 'check', full: true });
    await w.run({ mode: 'check', full: true });
    expect(await heads(w)).toEqual([]);
    const quarantined = (await w.app.store.findings.list({ engine: ENGINE, status: 'quarantined', sort: 'subject', direction: 'asc', limit: 10, offset: 0 })).items;
    expect(quarantined).toHaveLength(1);
    expect(await w.app.handlers['storage.restore']({ findingId: quarantined[0]!.id }, { actor: 'manual' })).toMatchObject({ restored: true });
    expect(await heads(w)).toEqual([]);
    const next = await w.run({ mode: 'check' });
    expect(passes(next)).toEqual(['ada:full:no cursor kept']);
    expect(await openSubjects(w)).toEqual(['file:row-g-gone']);
    // Grows back past one page: a cursor and a set again; the restored row stays found by the deltas after.
    for (let i = 0; i < 800; i++) w.google.addFile('ada', { id: `g-ada-back-${i}`, name: `b${i}.pdf`, mimeType: 'application/pdf', parents: ['root'], size: 1 });
    await w.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ${Array.from({ length: 800 }, (_, i) => `('row-back-${i}', 'ada', 'google', 'g-ada-back-${i}', 'b${i}.pdf', 1)`).join(', ')}`);
    await w.run({ mode: 'check' });
    await w.run({ mode: 'check' });
    expect(await heads(w)).toEqual(['seen2:ada:google']);
    const delta = await w.run({ mode: 'check' });
    expect(passes(delta)).toEqual(['ada:delta:changes since the last pass']);
    expect(await openSubjects(w)).toEqual(['file:row-g-gone']);
    // Repaired and restored again, now with a set stored: the restore takes the row out of it, so the delta probes it.
    expect(resultOf(await w.run({ mode: 'repair', all: true }))).toMatchObject({ quarantined: 1 });
    const again = (await w.app.store.findings.list({ engine: ENGINE, status: 'quarantined', sort: 'subject', direction: 'asc', limit: 10, offset: 0 })).items;
    expect(await w.app.handlers['storage.restore']({ findingId: again[0]!.id }, { actor: 'manual' })).toMatchObject({ restored: true });
    const after = await w.run({ mode: 'check' });
    expect(passes(after)).toEqual(['ada:delta:changes since the last pass']);
    expect(await openSubjects(w)).toEqual(['file:row-g-gone']);
  }, 20_000);
});
