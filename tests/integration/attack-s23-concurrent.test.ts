import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/*
 * Attack s23 (commit 301f82f): two checks of one account at once (a check of all users beside one user's check:
 * scopes `all` and `user:ada`, which run side by side). Each holds its account's seen-set entries and state in
 * AccountWrites and writes them after its findings; the later conclusion wins the state.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const passes = (run: Run) => resultOf(run).results.map((r) => `${r.provider}:${(r as { pass?: string }).pass}:${(r as { passReason?: string }).passReason}`);
const openSubjects = async (w: StorageWorld) => (await w.app.store.findings.open('storage-orphans')).map((f) => f.subject).sort();
const state = async (w: StorageWorld) => (await w.app.store.engineState.get<{ cursor: string | null; lastFullAt?: string }>('storage-orphans', 'account:ada:google')) ?? { cursor: null };
async function seenHead(w: StorageWorld): Promise<unknown> {
  return await w.app.store.engineState.get('storage-orphans', 'seen2:ada:google');
}

async function together(w: StorageWorld, a: Record<string, unknown>, b: Record<string, unknown>): Promise<[Run, Run]> {
  const first = await w.app.runs.start('storage-orphans', a, 'manual');
  const second = await w.app.runs.start('storage-orphans', b, 'manual');
  const runs = await Promise.all([w.app.runs.waitFor(first.runId), w.app.runs.waitFor(second.runId)]);
  return runs as [Run, Run];
}

describe('attack s23: a check of all users beside one user’s check', () => {
  it('fixed (was a lie): a listing check that keeps no cursor drops the seen set a probe check beside it kept with its cursor; the next check says "first pass" for an account read in full three times (before 301f82f: a delta)', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 10) }]);
    const w = world;
    // Probing keeps a cursor (taken before the probes) and the set of the 10 rows.
    expect(passes(await w.run({ mode: 'check', strategy: 'probe' }))).toEqual(['google:full:first pass']);
    expect((await state(w)).cursor).not.toBeNull();
    expect(await seenHead(w)).toMatchObject({ count: 10 });

    // Side by side, both full: the check of all lists (one page: no cursor kept, so keepSeen forgets the set),
    // Ada's own check probes (a cursor kept; it examined exactly the set it loaded, so save() writes nothing).
    // The probe check ends later, so its state (with its cursor) is the one kept; the listing check's forget stays.
    w.google.fault('drive.files.list', { status: 200, delayMs: 200, passThrough: true });
    w.google.fault('drive.files.get', { status: 200, delayMs: 900, passThrough: true });
    const [all, ada] = await together(w, { mode: 'check', full: true, strategy: 'list' }, { mode: 'check', user: 'ada', full: true, strategy: 'probe' });
    expect([all.state, ada.state]).toEqual(['succeeded', 'succeeded']);
    w.google.clearFaults();
    const after = await state(w);
    // What the two checks left: Ada's cursor, and (since the fix: AccountWrites writes an unchanged set when another
    // check wrote the account meanwhile) her set beside it; before, no set.
    expect({ cursor: after.cursor !== null, seen: await seenHead(w) }).toMatchObject({ cursor: true, seen: { count: 10 } });

    // Safe all the same: the next check is full and finds a row added for a file that never existed.
    await w.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', ['ghost', 'ada', 'google', 'g-never', 'ghost.pdf']);
    const next = await w.run({ mode: 'check' });
    expect(resultOf(next)).toMatchObject({ orphans: 1 });
    expect(await openSubjects(w)).toEqual(['file:ghost']);
    // The lie: the account was read in full by three checks, yet this pass is named its first.
    expect(passes(next), 'the pass reason after two checks at once').toEqual(['google:delta:changes since the last pass']);
  }, 20_000);

  it('holds: fixed interleavings of an all-users check and user checks (strategies, full, delays) never hides a row from the checks after', async () => {
    // Deterministic by construction: the interleavings come from fixed delays per run, several rounds.
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1100) }, { id: 'bob', drive: driveFiles('bob', 8) }]);
    const w = world;
    await w.run({ mode: 'check' });
    const combos: [Record<string, unknown>, Record<string, unknown>, number, number][] = [
      [{ mode: 'check', full: true, strategy: 'list' }, { mode: 'check', user: 'ada', strategy: 'probe', full: true }, 100, 5],
      [{ mode: 'check', strategy: 'probe', full: true }, { mode: 'check', user: 'ada', strategy: 'list' }, 300, 3],
      [{ mode: 'check' }, { mode: 'check', user: 'ada', full: true }, 0, 200],
      [{ mode: 'check', full: true }, { mode: 'check', user: 'bob', strategy: 'probe', full: true }, 200, 50],
    ];
    let n = 0;
    for (const [a, b, listDelay, getDelay] of combos) {
      // Drift before each round: a gone row per user, a deleted file with its row kept.
      for (const user of ['ada', 'bob']) {
        await w.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', [`ghost-${user}-${n}`, user, 'google', `g-never-${user}-${n}`, 'ghost.pdf']);
        w.google.deleteFile(user, `g-${user}-${n}`);
      }
      w.google.fault('drive.files.list', { status: 200, delayMs: listDelay, passThrough: true });
      w.google.fault('drive.files.get', { status: 200, delayMs: getDelay, passThrough: true });
      const runs = await together(w, a, b);
      expect(runs.map((r) => r.state)).toEqual(['succeeded', 'succeeded']);
      w.google.clearFaults();
      n++;
      // Rows added after the two checks, then plain checks: every gone row is found, whatever the two left.
      for (const user of ['ada', 'bob']) await w.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', [`late-${user}-${n}`, user, 'google', `g-late-${user}-${n}`, 'late.pdf']);
      await w.run({ mode: 'check' });
      const want = ['ada', 'bob'].flatMap((user) => Array.from({ length: n }, (_, i) => [`file:ghost-${user}-${i}`, `file:row-g-${user}-${i}`, `file:late-${user}-${i + 1}`]).flat()).sort();
      expect(await openSubjects(w), `round ${n}`).toEqual(want);
    }
  }, 30_000);
});
