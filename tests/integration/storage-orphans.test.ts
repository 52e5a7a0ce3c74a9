import { afterEach, describe, expect, it } from 'vitest';
import { dropboxFiles, driveFiles, driveRefresh, dropboxAccountId, dropboxRefresh, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Each account's pass and why, `user:provider:pass:reason`, sorted. */
const passesOf = (run: Awaited<ReturnType<StorageWorld['run']>>) =>
  resultOf(run).results.map((r) => `${r.userId}:${r.provider}:${(r as { pass?: string }).pass}:${(r as { passReason?: string }).passReason}`).sort();
const findings = async (w: StorageWorld, status?: 'open' | 'quarantined' | 'restored') =>
  (await w.app.handlers['findings.list']({ engine: 'storage-orphans', ...(status ? { status } : {}), sort: 'subject', direction: 'asc', limit: 500, offset: 0 }, { actor: 'manual' })).items;

describe('storage-orphans against the Drive and Dropbox emulators', () => {
  it('finds orphans on both providers, reports trashed Drive files apart, repairs by quarantine and restores', async () => {
    const drive = driveFiles('ada', 4).map((f, i) => (i === 3 ? { ...f, trashed: true } : f));
    world = await openStorageWorld([{ id: 'ada', drive, goneDrive: ['g-ada-gone'], dropbox: dropboxFiles('ada', 3), goneDropbox: ['id:d-ada-gone'] }]);
    const check = await world.run({ mode: 'check' });
    expect(check.state).toBe('succeeded');
    const result = resultOf(check);
    expect(result).toMatchObject({ orphans: 2, trashed: 1, unknownFiles: 0 });
    const open = (await findings(world, 'open'));
    expect(open.map((f) => [f.subject, f.kind])).toEqual([
      ['file:row-g-ada-3', 'trashed'],
      ['file:row-g-ada-gone', 'orphan'],
      ['file:row-id:d-ada-gone', 'orphan'],
    ]);
    expect(open[1]?.details).toMatchObject({ userId: 'ada', provider: 'google', providerFileId: 'g-ada-gone', fileRowId: 'row-g-ada-gone' });
    expect(check.apiCalls).toMatchObject({ 'google-drive': 2, dropbox: 2 }); // one token refresh + one listing page each

    const orphanIds = open.filter((f) => f.kind === 'orphan').map((f) => f.id);
    const repair = await world.run({ mode: 'repair', findingIds: orphanIds });
    expect(repair.state).toBe('succeeded');
    expect(repair.result).toMatchObject({ quarantined: 2, alreadyQuarantined: 0 });
    expect(await world.rows('SELECT id FROM files WHERE id IN (?, ?)', ['row-g-ada-gone', 'row-id:d-ada-gone'])).toEqual([]);
    expect((await world.rows<{ id: string }>('SELECT id FROM file_quarantine ORDER BY id')).map((r) => r.id)).toEqual(['row-g-ada-gone', 'row-id:d-ada-gone']);
    const audit = (await world.app.store.audit.list({ engine: 'storage-orphans', limit: 10, offset: 0 })).items;
    expect(audit[0]).toMatchObject({ action: 'quarantine-files', actor: 'manual' });
    expect(JSON.stringify(audit[0]?.before)).toContain('g-ada-gone');
    // The run's item log says what happened to each file row, by name.
    const log = await world.app.store.runItems.page(repair.id, 50, 0);
    expect(log.items.map((l) => [l.action, l.outcome])).toEqual([['quarantine', 'done'], ['quarantine', 'done']]);
    expect(log.items.map((l) => l.item).join(' ')).toMatch(/\(row row-g-ada-gone\)/);
    expect(log).toMatchObject({ counts: { done: 2 }, notKept: 0 });

    // A second repair of the same findings changes nothing (they are no longer open).
    const again = await world.run({ mode: 'repair', findingIds: orphanIds });
    expect(again.result).toMatchObject({ chosen: 0, quarantined: 0 });

    const restored = await world.app.handlers['storage.restore']({ findingId: orphanIds[0] as number }, { actor: 'manual' });
    expect(restored).toMatchObject({ restored: true, status: 'restored' });
    // The toast names the file as the admin knows it, the row id only beside it.
    expect(restored.message).toMatch(/^The file “[^”]+\.(pdf|txt)” \(row row-[^)]+\) is back in the product's files table\.$/);
    expect(await world.rows('SELECT id, provider_file_id FROM files WHERE id = ?', ['row-g-ada-gone'])).toEqual([{ id: 'row-g-ada-gone', provider_file_id: 'g-ada-gone' }]);
    const twice = await world.app.handlers['storage.restore']({ findingId: orphanIds[0] as number }, { actor: 'manual' });
    expect(twice).toMatchObject({ restored: false, status: 'restored', message: expect.stringMatching(/^The file “[^”]+” \(row row-[^)]+\) was restored already/) });
    await expect(Promise.resolve().then(() => world?.app.handlers['storage.restore']({ findingId: open[0]?.id as number }, { actor: 'manual' }))).rejects.toThrow(/not quarantined/);

    const accounts = (await world.app.handlers['storage.accounts']({ sort: 'user', direction: 'asc', limit: 50, offset: 0 }, { actor: 'manual' }));
    expect(accounts.items.map((a) => [a.provider, a.files, a.openOrphans, a.openTrashed, a.quarantined, a.status])).toEqual([
      ['dropbox', 3, 0, 0, 1, 'ok'],
      ['google', 5, 0, 1, 0, 'orphans'],
    ]);
    const summary = (await world.app.handlers['storage.summary']({}, { actor: 'manual' }));
    expect(summary).toMatchObject({ accounts: 2, quarantined: 1, openTrashed: 1, needsReconnect: 0, guardBlocked: null });
  });

  it('Check all leaves auto-sync-off accounts out and every screen says so: progress, summary, filter and reason', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2) }, { id: 'bob', drive: driveFiles('bob', 1), autoSync: false }]);
    const check = await world.run({ mode: 'check' });
    expect(check.state).toBe('succeeded');
    expect(check.progress?.message).toBe('1 of 1 accounts, 2 file rows (1 with auto-sync off left out)');
    const summary = await world.app.handlers['storage.summary']({}, { actor: 'manual' });
    expect(summary).toMatchObject({ accounts: 2, autoSyncOff: 1 });
    const off = await world.app.handlers['storage.accounts']({ autoSync: false, sort: 'user', direction: 'asc', limit: 50, offset: 0 }, { actor: 'manual' });
    expect(off.items.map((a) => [a.userId, a.status])).toEqual([['bob', 'never-checked']]);
    expect(off.items[0]?.message).toMatch(/Auto-sync is off .* Check all and schedules leave it out/);
    const on = await world.app.handlers['storage.accounts']({ autoSync: true, sort: 'user', direction: 'asc', limit: 50, offset: 0 }, { actor: 'manual' });
    expect(on.items.map((a) => [a.userId, a.status, a.message])).toEqual([['ada', 'ok', null]]);
    // Its own Check looks at it, and then its reason is gone.
    expect((await world.run({ mode: 'check', user: 'bob' })).state).toBe('succeeded');
    const after = await world.app.handlers['storage.accounts']({ autoSync: false, sort: 'user', direction: 'asc', limit: 50, offset: 0 }, { actor: 'manual' });
    expect(after.items.map((a) => [a.status, a.message])).toEqual([['ok', null]]);
  });

  it('a 429 storm or 5xx on some files never makes them orphans', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 6), goneDrive: ['g-ada-gone'] }]);
    world.google.fault('drive.files.get', { status: 429, body: { error: { code: 429, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }] } } });
    const storm = resultOf(await world.run({ mode: 'check', strategy: 'probe' }));
    expect(storm.orphans).toBe(0);
    expect(storm.unknownFiles).toBe(7);
    expect(storm.results[0]).toMatchObject({ mode: 'probe', status: 'unknown', skipped: { 'rate-limited': 7 } });
    expect((await findings(world, 'open'))).toEqual([]);

    world.google.clearFaults();
    world.google.fault('drive.files.get', { status: 503, body: 'backend error', probability: 0.9 });
    const flaky = resultOf(await world.run({ mode: 'check', strategy: 'probe' }));
    // Whatever the dice said, only the file that is really gone may be an orphan.
    expect((await findings(world, 'open')).map((f) => f.subject).every((s) => s === 'file:row-g-ada-gone')).toBe(true);
    expect(flaky.results[0]).toMatchObject({ mode: 'probe', filesChecked: 7 });
    expect(flaky.unknownFiles).toBeGreaterThan(0);

    world.google.clearFaults();
    world.google.fault('drive.files.list', { status: 500, body: 'backend error' });
    const listing = resultOf(await world.run({ mode: 'check', strategy: 'list' }));
    expect(listing).toMatchObject({ orphans: 0 });
    expect(listing.results[0]).toMatchObject({ mode: 'list', status: 'unknown' });
  });

  it('an expired access token is refreshed and written back to the storage account', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), dropbox: dropboxFiles('ada', 2) }]);
    await world.exec("UPDATE storage_accounts SET access_token = 'stale', token_expires_at = ? WHERE user_id = 'ada'", [Date.now() - 60_000]);
    const run = await world.run({ mode: 'check' });
    expect(resultOf(run)).toMatchObject({ orphans: 0, unknownFiles: 0 });
    expect(world.google.count('oauth.token')).toBe(1);
    expect(world.dropbox.count('dropbox.oauth2.token')).toBe(1);
    const rows = await world.rows<{ provider: string; access_token: string; token_expires_at: number }>('SELECT provider, access_token, token_expires_at FROM storage_accounts ORDER BY provider');
    for (const row of rows) {
      expect(row.access_token).not.toBe('stale');
      expect(Number(row.token_expires_at)).toBeGreaterThan(Date.now());
    }
  });

  it('a revoked grant marks needs-reconnect while the other provider still runs', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-ada-gone'], dropbox: dropboxFiles('ada', 2) }, { id: 'bob', dropbox: dropboxFiles('bob', 1) }]);
    world.dropbox.revokeRefreshToken(dropboxRefresh('ada'));
    const run = await world.run({ mode: 'check' });
    // A grant newly refused in this run is a failed item of it (DESIGN §4.6): partial, never succeeded.
    expect(run.state).toBe('partial');
    expect(run.result).toMatchObject({ itemsFailed: 1, failedItems: [{ item: 'ada@example.com (Dropbox)', reason: expect.stringMatching(/must reconnect/) }] });
    const result = resultOf(run);
    expect(result.needsReconnect).toEqual([{ userId: 'ada', email: 'ada@example.com', provider: 'dropbox' }]);
    expect(result.orphans).toBe(1); // Ada's Drive was still checked
    expect(result.results.find((r) => r.userId === 'bob')).toMatchObject({ status: 'ok', filesChecked: 1 });
    expect(await world.rows('SELECT user_id, provider, needs_reconnect FROM storage_accounts WHERE needs_reconnect = 1')).toEqual([{ user_id: 'ada', provider: 'dropbox', needs_reconnect: 1 }]);
    const accounts = (await world.app.handlers['storage.accounts']({ status: 'needs-reconnect', sort: 'user', direction: 'asc', limit: 50, offset: 0 }, { actor: 'manual' }));
    expect(accounts.items.map((a) => [a.userId, a.provider])).toEqual([['ada', 'dropbox']]);
    expect((await world.app.handlers['storage.summary']({}, { actor: 'manual' })).needsReconnect).toBe(1);
    // Refused again while already flagged: old news, not a failure of the next run.
    const again = await world.run({ mode: 'check' });
    expect(again.state).toBe('succeeded');
    expect(again.result).toMatchObject({ itemsFailed: 0 });
    void driveRefresh;
  });

  it('after one deletion the Drive delta makes O(1) calls; a Dropbox deletion, which names no id, lists that account in full', async () => {
    // Over 1,000 Drive files: a full pass costs 3 pages, so the engine keeps a changes cursor.
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2500), dropbox: dropboxFiles('ada', 3000) }, { id: 'bob', dropbox: dropboxFiles('bob', 5) }]);
    const first = await world.run({ mode: 'check' });
    expect(resultOf(first)).toMatchObject({ orphans: 0, byMode: { list: 3 } });
    expect(world.google.count('drive.files.list')).toBe(3);
    expect(world.google.count('drive.changes.getStartPageToken')).toBe(1);

    world.google.deleteFile('ada', 'g-ada-1234');
    world.google.trashFile('ada', 'g-ada-5');
    world.dropbox.deletePath(dropboxAccountId('ada'), '/Apps/Product/d-ada-17.txt');
    world.google.resetCounts();
    world.dropbox.resetCounts();
    const delta = await world.run({ mode: 'check' });
    const result = resultOf(delta);
    // The trashed file comes with its change (removed: false, trashed: true): reported apart, no probe needed.
    expect(result).toMatchObject({ orphans: 2, trashed: 1, byMode: { delta: 2, list: 1 } });
    expect(world.google.counts()).toEqual({ 'drive.changes.list': 1, 'drive.files.get': 1 });
    // Dropbox's deletion carries a path, no id, and no id is known at that path: ada's account is listed in full (a name
    // ties no row: s26 attack): its delta read (one continue), then its 3,000 files in two pages (list_folder and one
    // continue); bob's delta is one continue. Nothing is probed.
    expect(world.dropbox.counts()).toEqual({ 'dropbox.files.list_folder': 1, 'dropbox.files.list_folder.continue': 3 });
    expect(passesOf(delta)).toEqual(['ada:dropbox:full:changes not tied to files', 'ada:google:delta:changes since the last pass', 'bob:dropbox:delta:changes since the last pass']);
    expect((await findings(world, 'open')).map((f) => [f.subject, f.kind]).sort()).toEqual([
      ['file:row-g-ada-1234', 'orphan'],
      ['file:row-g-ada-5', 'trashed'],
      ['file:row-id:d-ada-17', 'orphan'],
    ]);

    // A third run with no change still reports the two (carried forward), with one call per account.
    world.google.resetCounts();
    world.dropbox.resetCounts();
    const quiet = resultOf(await world.run({ mode: 'check' }));
    expect(quiet).toMatchObject({ orphans: 2, trashed: 1 });
    expect(await findings(world, 'open')).toHaveLength(3);
    expect(world.google.counts()).toEqual({ 'drive.changes.list': 1 });
    expect(world.dropbox.counts()).toEqual({ 'dropbox.files.list_folder.continue': 2 });
  });

  it('a rejected cursor falls back to a full pass', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1500), dropbox: dropboxFiles('ada', 4) }]);
    await world.run({ mode: 'check' });
    world.google.deleteFile('ada', 'g-ada-7');
    world.dropbox.deletePath(dropboxAccountId('ada'), '/Apps/Product/d-ada-2.txt');
    // Both services forget the positions the stored cursors point at.
    world.google.expireChangeLog('ada');
    world.dropbox.resetCursors(dropboxAccountId('ada'));
    world.google.resetCounts();
    world.dropbox.resetCounts();
    const run = resultOf(await world.run({ mode: 'check' }));
    expect(run).toMatchObject({ orphans: 2, cursorsRejected: 2, byMode: { list: 2 } });
    expect(world.google.count('drive.files.list')).toBe(2);
    expect(world.dropbox.count('dropbox.files.list_folder')).toBe(1);
    expect(run.results.every((r) => /cursor was refused/.test(r.message ?? ''))).toBe(true);
  });

  it('a scheduled auto-repair stays inside the safety limit and reports the guard', async () => {
    world = await openStorageWorld([
      { id: 'ada', drive: driveFiles('ada', 40), goneDrive: Array.from({ length: 6 }, (_, i) => `gone-${i}`) },
      { id: 'bob', drive: driveFiles('bob', 30), goneDrive: ['bob-gone'] },
    ]);
    const run = await world.run({ mode: 'check', autoRepair: true }, 'schedule');
    const result = resultOf(run);
    // Ada: 46 rows → limit 4 < 6 orphans: nothing deleted. Bob: 31 rows → limit 3 ≥ 1: repaired.
    expect(result.safetyGuard).toEqual({ tripped: true, limit: 4, wouldDelete: 6, userId: 'ada' });
    expect(result.repaired).toBe(1);
    expect(await world.rows("SELECT COUNT(*) AS n FROM files WHERE user_id = 'ada'")).toEqual([{ n: 46 }]);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([{ id: 'row-bob-gone' }]);
    expect((await world.app.handlers['storage.summary']({}, { actor: 'manual' })).guardBlocked).toEqual({ runId: run.id, wouldDelete: 6, limit: 4 });
    expect((await findings(world, 'open')).filter((f) => f.details?.userId === 'ada')).toHaveLength(6);
  });
});
