import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { dropboxFaults } from '../emulators/dropbox/dropbox.emulator';

/**
 * Attack s23c on c4bed68 (account-check.ts catch + Conclusions). Conclusions settles an earlier finding by its ROW
 * KEY (row id AND cloud id: findingRowKey), but the findings table holds one open finding per SUBJECT (file:<row id>)
 * and a re-emitted finding replaces the open one in place (findings.repo insertMany: ON CONFLICT (engine, subject)).
 *
 * A row re-pointed from one gone file (P1, the earlier finding's) to another gone file (P2): the full listing drifts
 * the row as (row, P2), which updates the open finding in place and settles the key (row, P2). A later failure of the
 * same account (the Dropbox listing's uncovered rows are probed after the diff; that probe meets a revoked grant)
 * carries every earlier finding Conclusions does not settle: (row, P1) is not settled (other key; P1 in no alive set),
 * so the catch re-emits it, and it overwrites the finding just made: the open finding now names P1, a file the row no
 * longer points at (LIE). With autoRepair in the same run, the repair sees the row changed since the check
 * (expected P1, row has P2) and SUPERSEDES the finding: the true orphan of P2 is hidden (LOSE, until the next check).
 *
 * Mechanism older than c4bed68 (the catch carried everything before), but c4bed68's Conclusions is meant to stop
 * exactly this ("one it re-made ... would be overwritten") and keys it by (row, cloud id) where the table keys by row.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const open = async (w: StorageWorld) => (await w.app.store.findings.open('storage-orphans')).map((f) => `${f.subject}:${f.kind}:${String(f.details?.providerFileId)}`).sort();

async function setup(): Promise<StorageWorld> {
  const w = await openStorageWorld([{ id: 'ada', dropbox: [...dropboxFiles('ada', 20), { id: 'id:by-path', path: '/Apps/Product/by-path.txt' }], goneDropbox: ['id:gone-1', 'id:gone-2'] }]);
  // A row kept by path (outside the listing's coveredPrefix `id:`): probed after the listing's diff.
  await w.exec("UPDATE files SET provider_file_id = '/apps/product/by-path.txt' WHERE id = 'row-id:by-path'");
  // Only row-id:gone-1 points at a gone file at first; row-id:gone-2 is dropped (id:gone-2 is another gone file).
  await w.exec("DELETE FROM files WHERE id = 'row-id:gone-2'");
  const first = resultOf(await w.run({ mode: 'check', full: true }));
  expect(first.orphans, JSON.stringify(first.results)).toBe(1);
  expect(await open(w)).toEqual(['file:row-id:gone-1:orphan:id:gone-1']);
  // The product re-points the row at another file, gone as well.
  await w.exec("UPDATE files SET provider_file_id = 'id:gone-2' WHERE id = 'row-id:gone-1'");
  // The grant is revoked; the stored access token still lists, the probe's call finds it expired and cannot refresh.
  // The listing uses the stored access token; the probe's call finds it expired and its refresh is refused.
  w.dropbox.fault('dropbox.oauth2.token', { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' } });
  w.dropbox.fault('dropbox.files.get_metadata', dropboxFaults.expiredAccessToken());
  return w;
}

describe('attack s23c: a re-pointed row, then the account fails after the listing', () => {
  it('the open finding names the file the row points at now (id:gone-2), not the earlier one', async () => {
    world = await setup();
    const run = await world.run({ mode: 'check', full: true });
    world.dropbox.clearFaults();
    const r = resultOf(run);
    expect(r.results[0], JSON.stringify(r.results)).toMatchObject({ mode: 'list', status: 'needs-reconnect' });
    expect(await open(world), JSON.stringify(r.results)).toEqual(['file:row-id:gone-1:orphan:id:gone-2']);
  });

  // The carried stale finding reaches the automatic repair, which finds the row "changed since the check" (expected
  // id:gone-1, the row has id:gone-2) and leaves it: the orphan this very check found
  // (row-id:gone-1 -> id:gone-2, within the guard's limit) is not quarantined, and the open finding still names
  // id:gone-1. Safe: the row is quarantined as the check's own finding asks (or, at least, not skipped as changed).
  it('with autoRepair: the orphan this check found is repaired, not skipped as "changed since the check"', async () => {
    world = await setup();
    const run = await world.run({ mode: 'check', full: true, autoRepair: true });
    world.dropbox.clearFaults();
    const r = resultOf(run) as ReturnType<typeof resultOf> & { repair?: { skipped: Record<string, number> } };
    expect(r.results[0], JSON.stringify(r.results)).toMatchObject({ status: 'needs-reconnect', orphans: 1 });
    expect(r.repair?.skipped ?? {}, JSON.stringify(r)).not.toHaveProperty('row-changed-since-check');
    const held = await world.rows<{ id: string }>('SELECT id FROM file_quarantine');
    expect(held.map((h) => h.id), JSON.stringify(r)).toEqual(['row-id:gone-1']);
  });
});
