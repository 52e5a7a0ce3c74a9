import { afterEach, describe, expect, it } from 'vitest';
import { ANY_ROUTE, foreignFault, type ForeignAnswer } from '../emulators/shared/faults';
import { TEST_CLIENT } from '../emulators/google/test-support';
import { dropboxFiles, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * End to end through the engine: a gateway in front of Drive or Dropbox that
 * answers 404 with its own page never produces an orphan, so `repair all`
 * quarantines nothing (DESIGN §4.1); the connection's refused secret flags no
 * user, and a flag is cleared only once the account worked again (§4.2).
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const FOREIGN: ForeignAnswer[] = ['html', 'empty', 'json'];
const orphanFindings = async (w: StorageWorld) =>
  (await w.app.handlers['findings.list']({ engine: 'storage-orphans', status: 'open', sort: 'subject', direction: 'asc', limit: 500, offset: 0 }, { actor: 'manual' })).items.filter((f) => f.kind === 'orphan');
const flags = (w: StorageWorld) => w.rows<{ id: string; needs_reconnect: number }>('SELECT id, needs_reconnect FROM storage_accounts ORDER BY id');

describe('storage-orphans: a foreign 404 never becomes an orphan', () => {
  for (const kind of FOREIGN) {
    for (const strategy of ['probe', 'list'] as const) {
      it(`a gateway ${kind} 404 on every Drive and Dropbox route (${strategy}) finds no orphan; repair all quarantines nothing`, async () => {
        world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), dropbox: dropboxFiles('ada', 3) }]);
        world.google.fault('drive.files.get', foreignFault(kind));
        world.google.fault('drive.files.list', foreignFault(kind));
        world.dropbox.fault(ANY_ROUTE, foreignFault(kind));
        const check = await world.run({ mode: 'check', strategy });
        expect(resultOf(check).orphans).toBe(0);
        expect(await orphanFindings(world)).toEqual([]);
        const repair = await world.run({ mode: 'repair', all: true });
        expect(repair.result).toMatchObject({ quarantined: 0 });
        expect(await world.rows('SELECT COUNT(*) AS n FROM files')).toEqual([{ n: 6 }]);
        expect(await world.rows('SELECT COUNT(*) AS n FROM file_quarantine')).toEqual([{ n: 0 }]);
        // Nobody's fault: no account is flagged either.
        expect((await flags(world)).every((r) => r.needs_reconnect === 0)).toBe(true);
      });
    }
  }

  it("a shared-drive file is found (supportsAllDrives), never an orphan; Drive's own 404 still is", async () => {
    world = await openStorageWorld([{ id: 'ada', drive: [...driveFiles('ada', 2), { id: 'g-team', name: 'team.pdf', driveId: 'sd-1' }], goneDrive: ['g-gone'] }]);
    for (const strategy of ['probe', 'list'] as const) {
      const check = await world.run({ mode: 'check', strategy, full: true });
      expect(resultOf(check).orphans).toBe(1);
      expect((await orphanFindings(world)).map((f) => f.details?.providerFileId)).toEqual(['g-gone']);
    }
  });
});

describe('storage-orphans: whose fault', () => {
  it('a wrong Google client secret (invalid_client) fails the run pointing at the Connections page, flags no account, and Dropbox is still checked', async () => {
    // More Google accounts than the check runs at once (ACCOUNT_CONCURRENCY): the ones after the refusal are never tried.
    const drivers = ['ada', 'bob', 'cyd', 'dee', 'eve', 'fay', 'gil', 'hal', 'ivy', 'jon'];
    world = await openStorageWorld([...drivers.map((id) => ({ id, drive: driveFiles(id, 2) })), { id: 'gus', dropbox: dropboxFiles('gus', 2), goneDropbox: ['id:d-gus-gone'] }]);
    world.google.setClientSecret(TEST_CLIENT.clientId, 'rotated-by-the-admin');
    const check = await world.run({ mode: 'check', strategy: 'probe' });
    expect(check.state).toBe('failed');
    expect(check.error).toMatchObject({ code: 'connection-misconfigured', message: expect.stringMatching(/invalid_client.*Fix them on the Connections page; no user was marked/) });
    expect(check.error?.message).toMatch(/Google connection “Google”/);
    expect((await flags(world)).every((r) => r.needs_reconnect === 0)).toBe(true);
    // The other provider's accounts were checked all the same: Gus's gone Dropbox file is found.
    expect((await orphanFindings(world)).map((f) => f.subject)).toEqual(['file:row-id:d-gus-gone']);
    const accounts = await world.app.handlers['storage.accounts']({ sort: 'user', direction: 'asc', limit: 50, offset: 0 }, { actor: 'manual' });
    expect(accounts.items.filter((a) => a.provider === 'dropbox').map((a) => a.status)).toEqual(['orphans']);
    expect(accounts.items.filter((a) => a.provider === 'google').every((a) => /Connections page/.test(a.message ?? ''))).toBe(true);
    // Once refused, the remaining Google accounts are not tried (each would be refused alike).
    expect(world.google.count('oauth.token')).toBeLessThan(drivers.length);
  });

  it('a flag is cleared once the account works again, and not while every call fails', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2) }]);
    await world.exec('UPDATE storage_accounts SET needs_reconnect = 1');
    world.google.fault('oauth.token', { status: 503, body: 'down' });
    await world.run({ mode: 'check' });
    expect(await flags(world)).toEqual([{ id: 'google-ada', needs_reconnect: 1 }]);
    world.google.clearFaults();
    await world.run({ mode: 'check' });
    expect(await flags(world)).toEqual([{ id: 'google-ada', needs_reconnect: 0 }]);
  });
});
