import { describe, expect, it } from 'vitest';
import { manyFiles } from '../emulators/google/test-support';
import { driveRefresh, resultOf, type StorageWorld } from './storage-orphans.setup';
import { useProxiedStorageWorlds } from './storage-orphans-proxied';

/**
 * Attack (#19, plain-fetch Drive listing): things that happen between two
 * pages of one listing. The grant revoked after page one: the account needs
 * reconnecting, the earlier finding is carried, no new orphan. The run
 * cancelled while page two is in flight: the run ends cancelled, the earlier
 * finding stays open. Both hold.
 */
const worlds = useProxiedStorageWorlds();

/** Ada: 2,500 files (three pages) and one gone row, found by a first check; `onPageTwo` runs when page two is asked for. */
async function listed(onPageTwo: () => void) {
  const world = await worlds.world([{ id: 'ada', drive: manyFiles(2500, 'root', 'g'), goneDrive: ['g-gone'] }]);
  expect(resultOf(await world.run({ mode: 'check', strategy: 'list', full: true })).orphans).toBe(1);
  const p = await worlds.proxy(world.google.rootUrl);
  let pages = 0;
  p.tamper = (req) => {
    if (req.url?.startsWith('/drive/v3/files?') && ++pages === 2) onPageTwo();
    return false;
  };
  await worlds.routeGoogle(world, p);
  return world;
}

const openOrphans = async (w: StorageWorld) => (await w.app.store.findings.open('storage-orphans')).filter((f) => f.kind === 'orphan').map((f) => f.details?.providerFileId);

describe('attack: between two pages of a Drive listing', () => {
  it('the grant revoked after page one: needs reconnect, the earlier finding carried, no new orphan', async () => {
    const w = await listed(() => {
      w.google.revokeRefreshToken(driveRefresh('ada'));
      w.google.expireAccessTokens('ada');
    });
    const check = await w.run({ mode: 'check', strategy: 'list', full: true });
    expect(resultOf(check).results[0]).toMatchObject({ status: 'needs-reconnect', orphans: 0 });
    expect(resultOf(check).needsReconnect).toHaveLength(1);
    expect(await openOrphans(w)).toEqual(['g-gone']);
  });

  it('the run cancelled while page two is in flight: cancelled, the earlier finding still open', async () => {
    let cancel = () => {};
    const w = await listed(() => cancel());
    w.google.fault('drive.files.list', { status: 200, passThrough: true, delayMs: 2_000 });
    const { runId } = await w.app.runs.start('storage-orphans', { mode: 'check', strategy: 'list', full: true }, 'manual');
    cancel = () => void w.app.runs.cancel(runId);
    const run = await w.app.runs.waitFor(runId);
    expect(run?.state).toBe('cancelled');
    expect(await openOrphans(w)).toEqual(['g-gone']);
  });
});
