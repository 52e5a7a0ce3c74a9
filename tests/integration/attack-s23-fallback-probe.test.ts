import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { dropboxAccountId, dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/*
 * Attack s23 (commit 301f82f): the passes where "keeps no cursor" is decided late or by another road than the
 * listing's size: a delta that falls back to a full pass (cursor rejected) which then keeps no cursor; probe
 * passes (`auto` probes when the account has fewer rows than listing pages) whose cursor depends on the row
 * count (one row or none: no cursor); Dropbox, which keeps a listing's cursor always but not a one-row probe's.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ENGINE = 'storage-orphans';
const lines = (run: Run) => resultOf(run).results.map((r) => `${r.userId}:${r.provider}:${(r as { pass?: string }).pass}:${(r as { passReason?: string }).passReason}:${r.mode}`).sort();
const openSubjects = async (w: StorageWorld) => (await w.app.store.findings.open(ENGINE)).map((f) => f.subject).sort();
const addRow = (w: StorageWorld, user: string, provider: string, id: string, pid: string) =>
  w.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', [id, user, provider, pid, `${id}.bin`]);
async function heads(w: StorageWorld): Promise<string[]> {
  const rows = await w.app.store.db.all<{ key: string; value_json: string }>(`SELECT key, value_json FROM engine_state WHERE engine = '${ENGINE}' AND (key LIKE 'seen2:%' OR key LIKE 'seen:%')`);
  return rows.filter((r) => r.key.split(':').length === 3 && r.value_json !== 'null').map((r) => r.key).sort();
}
const cursorOf = async (w: StorageWorld, user: string, provider: string) => (await w.app.store.engineState.get<{ cursor: string | null }>(ENGINE, `account:${user}:${provider}`))?.cursor ?? null;

describe('attack s23: late decisions to keep no cursor', () => {
  it('holds: a delta whose cursor is refused falls back to a full pass that keeps none; rows added around it are all found', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1500) }]);
    const w = world;
    await w.run({ mode: 'check' });
    // Shrinks to 700: the full pass planned from 1,500 keeps a cursor (and a set), and records 700 remote files.
    const drop = Array.from({ length: 800 }, (_, i) => `g-ada-${i}`);
    for (const pid of drop) w.google.deleteFile('ada', pid);
    await w.exec(`DELETE FROM files WHERE provider_file_id IN (${drop.map(() => '?').join(', ')})`, drop);
    await w.run({ mode: 'check', full: true });
    expect(await cursorOf(w, 'ada', 'google')).not.toBeNull();
    expect(await heads(w)).toEqual(['seen2:ada:google']);
    // The cursor dies; meanwhile a row for a gone file, and a file deleted behind its row.
    await addRow(w, 'ada', 'google', 'ghost-1', 'g-never-1');
    w.google.deleteFile('ada', 'g-ada-900');
    w.google.expireChangeLog('ada');
    const fallback = await w.run({ mode: 'check' });
    expect(lines(fallback)).toEqual(['ada:google:full:cursor rejected:list']);
    expect(await openSubjects(w)).toEqual(['file:ghost-1', 'file:row-g-ada-900']);
    // That full pass kept no cursor (one page), so it dropped the set; the next check is full again and finds more.
    expect(await cursorOf(w, 'ada', 'google')).toBeNull();
    expect(await heads(w)).toEqual([]);
    await addRow(w, 'ada', 'google', 'ghost-2', 'g-never-2');
    w.google.trashFile('ada', 'g-ada-901');
    const after = await w.run({ mode: 'check' });
    expect(lines(after)).toEqual(['ada:google:full:no cursor kept:list']);
    expect(await openSubjects(w)).toEqual(['file:ghost-1', 'file:ghost-2', 'file:row-g-ada-900', 'file:row-g-ada-901']);
    expect(resultOf(after)).toMatchObject({ orphans: 3, trashed: 1 });
  }, 20_000);

  it('holds: auto probes an account with fewer rows than listing pages; at one row it keeps no cursor (and drops the set), at two it keeps both again', async () => {
    // 2,500 files in Drive, rows for two of them: after the first listing (3 pages), `auto` probes instead.
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2500) }]);
    const w = world;
    await w.exec(`DELETE FROM files WHERE user_id = 'ada' AND provider_file_id NOT IN ('g-ada-1', 'g-ada-2')`);
    expect(lines(await w.run({ mode: 'check' }))).toEqual(['ada:google:full:first pass:list']);
    expect(lines(await w.run({ mode: 'check', full: true }))).toEqual(['ada:google:full:requested:probe']);
    expect(await heads(w)).toEqual(['seen2:ada:google']);
    // Down to one row: the probe pass keeps no cursor, and so no set.
    await w.exec(`DELETE FROM files WHERE provider_file_id = 'g-ada-2'`);
    expect(lines(await w.run({ mode: 'check', full: true }))).toEqual(['ada:google:full:requested:probe']);
    expect(await cursorOf(w, 'ada', 'google')).toBeNull();
    expect(await heads(w)).toEqual([]);
    // A row for a gone file and the one row's file deleted: the next check (full, no cursor) finds both.
    await addRow(w, 'ada', 'google', 'ghost', 'g-never');
    w.google.deleteFile('ada', 'g-ada-1');
    const next = await w.run({ mode: 'check' });
    expect(lines(next)).toEqual(['ada:google:full:no cursor kept:probe']);
    expect(await openSubjects(w)).toEqual(['file:ghost', 'file:row-g-ada-1']);
    // Two rows now: the probe pass took a cursor and kept the set; a delta follows, carries both, finds a third.
    expect(await heads(w)).toEqual(['seen2:ada:google']);
    await addRow(w, 'ada', 'google', 'ghost-3', 'g-never-3');
    const delta = await w.run({ mode: 'check' });
    expect(lines(delta)).toEqual(['ada:google:delta:changes since the last pass:delta']);
    expect(await openSubjects(w)).toEqual(['file:ghost', 'file:ghost-3', 'file:row-g-ada-1']);
  }, 20_000);

  it('holds: Dropbox probed at one row keeps no cursor and no set; its rows added meanwhile are still found', async () => {
    world = await openStorageWorld([{ id: 'bob', dropbox: dropboxFiles('bob', 5) }]);
    const w = world;
    await w.exec(`DELETE FROM files WHERE provider_file_id <> 'id:d-bob-0'`);
    const first = await w.run({ mode: 'check', strategy: 'probe' });
    expect(lines(first)).toEqual(['bob:dropbox:full:first pass:probe']);
    expect(await cursorOf(w, 'bob', 'dropbox')).toBeNull();
    expect(await heads(w)).toEqual([]);
    await addRow(w, 'bob', 'dropbox', 'ghost', 'id:d-never');
    w.dropbox.deletePath(dropboxAccountId('bob'), '/Apps/Product/d-bob-0.txt');
    const next = await w.run({ mode: 'check' });
    expect(lines(next)).toEqual(['bob:dropbox:full:no cursor kept:list']);
    expect(await openSubjects(w)).toEqual(['file:ghost', 'file:row-id:d-bob-0']);
    // A listing: Dropbox keeps its cursor and the set; a delta follows.
    expect(await heads(w)).toEqual(['seen2:bob:dropbox']);
    await addRow(w, 'bob', 'dropbox', 'ghost-2', 'id:d-never-2');
    const delta = await w.run({ mode: 'check' });
    expect(lines(delta)).toEqual(['bob:dropbox:delta:changes since the last pass:delta']);
    expect(await openSubjects(w)).toEqual(['file:ghost', 'file:ghost-2', 'file:row-id:d-bob-0']);
  }, 20_000);
});
