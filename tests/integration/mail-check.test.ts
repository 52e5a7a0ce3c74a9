import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CLIENT } from '../emulators/google/test-support';
import { importedIds, productDbPicture, READ_ROUTES, routesCalled, runCheck } from './mail-check.setup';
import { inbox, mail, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * mail-import `check` (what an import would bring in) with the real
 * googleapis Gmail client against the emulator: it reports what the next
 * import inserts, and writes nothing (DESIGN §4).
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const storedTokens = async (w: MailWorld) =>
  (await w.db.query<{ refresh_token: string; access_token: string | null }>(`SELECT refresh_token, access_token FROM storage_accounts WHERE id = 'sa-ada'`))[0];

describe('mail-import check against the Gmail emulator', () => {
  it('first pass: reports per user what the import then inserts, with a sample, and writes nothing', async () => {
    world = await openMailWorld([
      { id: 'ada', messages: [...inbox('ada', 510), mail('ada-old', 31 * 24), mail('ada-spam', 2, { labelIds: ['SPAM'] })] },
      { id: 'grace', messages: inbox('grace', 3) },
    ]);
    const before = await productDbPicture(world.db);
    const { run, result } = await runCheck(world);
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.scope).toBe('check:all');
    expect(result).toMatchObject({ mode: 'check', users: 2, wouldImport: 513, passes: { full: 2 }, outcomes: { checked: 2 }, needsReconnect: [], tokensWritten: 0, itemsFailed: 0 });
    const ada = result.perUser.find((u) => u.userId === 'u-ada');
    expect(ada).toMatchObject({ outcome: 'checked', pass: 'full', wouldImport: 510, flagged: false });
    // Gmail lists newest first: the sample is the first five the import would insert, as it would store them.
    expect(ada?.sample.map((s) => s.id)).toEqual(['ada-0', 'ada-1', 'ada-2', 'ada-3', 'ada-4']);
    expect(ada?.sample[0]).toMatchObject({ threadId: 'ada-0', subject: 'Subject ada-0', from: 'Sender <sender-ada-0@vendor.test>' });
    expect(Date.parse(String(ada?.sample[0]?.date))).toBeGreaterThan(Date.now() - 2 * 3_600_000);

    // Nothing written: no email rows, no cursor, no last_import_at, no token (the refreshed access token stays in memory).
    expect(await productDbPicture(world.db)).toBe(before);
    for (const route of routesCalled(world)) expect(READ_ROUTES.has(route), route).toBe(true);

    const imported = await world.run();
    expect(imported.result).toMatchObject({ imported: 513 });
    const ids = await importedIds(world, 'u-ada');
    expect(ids.size).toBe(510);
    for (const s of ada?.sample ?? []) expect(ids.has(s.id)).toBe(true);
  });

  it('after an import: a history delta, minus spam, deleted and already imported messages', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 4) }]);
    await world.run();
    world.emulator.addMessage('ada', mail('ada-new-1', 0.3));
    world.emulator.addMessage('ada', mail('ada-junk', 0.2, { labelIds: ['SPAM'] }));
    world.emulator.addMessage('ada', mail('ada-ephemeral', 0.15));
    world.emulator.deleteMessage('ada', 'ada-ephemeral');
    world.emulator.addMessage('ada', mail('ada-new-2', 0.1));
    const before = await productDbPicture(world.db);
    const { result } = await runCheck(world, { user: 'u-ada' });
    expect(result).toMatchObject({ wouldImport: 2, skipped: 1, gone: 1, passes: { history: 1 } });
    expect(result.perUser[0]?.sample.map((s) => s.id)).toEqual(['ada-new-1', 'ada-new-2']);
    expect(await productDbPicture(world.db)).toBe(before);
    const imported = await world.run({ user: 'u-ada' });
    expect(imported.result).toMatchObject({ imported: 2, skipped: 1, gone: 1 });
  });

  it('a message history lists on two pages counts once, as the import inserts it once', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 1) }]);
    await world.run();
    const burst = inbox('burst', 501, 0);
    for (const message of burst) world.emulator.addMessage('ada', message);
    // Re-added under the same id: history has a second messageAdded record for it, on the second page.
    world.emulator.addMessage('ada', burst[0] as (typeof burst)[number]);
    const { result } = await runCheck(world);
    expect(result).toMatchObject({ wouldImport: 501, skipped: 1 });
    expect((await world.run()).result).toMatchObject({ imported: 501, skipped: 1 });
  });

  it('an expired cursor: the check reports the fallback pass and the window minus what is already imported', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 3) }]);
    await world.run();
    world.emulator.addMessage('ada', mail('ada-late', 0.1));
    world.emulator.expireHistory('ada');
    const { result } = await runCheck(world);
    expect(result).toMatchObject({ wouldImport: 1, skipped: 3, passes: { fallback: 1 } });
    expect((await world.run()).result).toMatchObject({ imported: 1, passes: { fallback: 1 } });
  });

  it('a revoked grant: needsReconnect as an import reports it, but no flag is set; a flagged user who works is left flagged', async () => {
    world = await openMailWorld([
      { id: 'ada', messages: inbox('ada', 2) },
      { id: 'grace', messages: inbox('grace', 2) },
    ]);
    world.emulator.revokeRefreshToken('1//refresh-ada');
    await world.db.execute(`UPDATE storage_accounts SET needs_reconnect = ? WHERE user_id = 'u-grace'`, [true]);
    const before = await productDbPicture(world.db);
    const { run, result } = await runCheck(world);
    expect(run.state).toBe('partial');
    expect(result).toMatchObject({
      needsReconnect: [{ userId: 'u-ada', email: 'ada@example.com', provider: 'google' }],
      outcomes: { 'needs-reconnect': 1, checked: 1 },
      wouldReconnect: 1,
      itemsFailed: 1,
      failedItems: [{ item: 'ada@example.com' }],
    });
    expect(result.perUser.find((u) => u.userId === 'u-grace')).toMatchObject({ flagged: true, wouldImport: 2 });
    expect(await productDbPicture(world.db)).toBe(before);
    expect(await world.needsReconnect('u-ada')).toBe(false);
    expect(await world.needsReconnect('u-grace')).toBe(true);

    // The import that follows agrees: it flags Ada, clears Grace, and ends partial for the same user.
    const imported = await world.run();
    expect(imported.state).toBe('partial');
    expect(imported.result).toMatchObject({ needsReconnect: [{ userId: 'u-ada' }], reconnected: 1, imported: 2 });
  });

  it('a refused OAuth client fails the check at the Connections page and flags nobody', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 2) }]);
    world.emulator.setClientSecret(TEST_CLIENT.clientId, 'rotated-by-someone');
    const before = await productDbPicture(world.db);
    const { run } = await runCheck(world);
    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('connection-misconfigured');
    expect(await productDbPicture(world.db)).toBe(before);
  });

  it('a rotated refresh token is written back (losing it would lock the user out), and nothing else', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 2) }]);
    const access = world.emulator.issueAccessToken('ada');
    world.emulator.grantRefreshToken('ada', '1//rotated-ada');
    world.emulator.fault('oauth.token', { status: 200, times: 1, body: { access_token: access, expires_in: 3599, token_type: 'Bearer', refresh_token: '1//rotated-ada' } });
    const { result } = await runCheck(world);
    expect(result).toMatchObject({ wouldImport: 2, tokensWritten: 1 });
    expect(await storedTokens(world)).toEqual({ refresh_token: '1//rotated-ada', access_token: access });
    expect(await world.emails('u-ada')).toHaveLength(0);
    expect(await world.settings('u-ada')).toMatchObject({ history_id: null, last_import_at: null });
  });

  it('a rotated token is not written over a grant the product stored meanwhile (the user reconnected)', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 2) }]);
    const w = world;
    const access = w.emulator.issueAccessToken('ada');
    w.emulator.grantRefreshToken('ada', '1//rotated-ada');
    w.emulator.fault('oauth.token', { status: 200, times: 1, delayMs: 500, body: { access_token: access, expires_in: 3599, token_type: 'Bearer', refresh_token: '1//rotated-ada' } });
    const checking = runCheck(w);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await w.db.execute(`UPDATE storage_accounts SET refresh_token = '1//reconnected-ada', access_token = NULL WHERE id = 'sa-ada'`);
    const { result } = await checking;
    expect(result).toMatchObject({ wouldImport: 2, tokensWritten: 0 });
    expect(await storedTokens(w)).toEqual({ refresh_token: '1//reconnected-ada', access_token: null });
  });

  it('the mailbox changes between the check and the import: the import brings what is there then', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 6) }]);
    await world.run();
    for (let i = 0; i < 4; i++) world.emulator.addMessage('ada', mail(`ada-new-${i}`, 0.5 - i * 0.1));
    const { result } = await runCheck(world);
    expect(result.wouldImport).toBe(4);
    // After the check: one reported message is deleted, two arrive.
    world.emulator.deleteMessage('ada', 'ada-new-1');
    world.emulator.addMessage('ada', mail('ada-after-1', 0.05));
    world.emulator.addMessage('ada', mail('ada-after-2', 0.01));
    const imported = await world.run();
    expect(imported.result).toMatchObject({ imported: 5, gone: 1 });
    const ids = await importedIds(world, 'u-ada');
    expect(ids.has('ada-new-1')).toBe(false);
    expect(ids.has('ada-after-2')).toBe(true);
    // And a check now sees nothing left.
    expect((await runCheck(world)).result).toMatchObject({ wouldImport: 0 });
  });

  it('a check and an import of one user have their own scopes: neither joins the other; two checks share one run', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 30) }]);
    world.emulator.fault('gmail.profile.get', { status: 200, passThrough: true, delayMs: 300 });
    const importRun = await world.app.runs.start('mail-import', { mode: 'import', user: 'u-ada' }, 'manual');
    const checkRun = await world.app.runs.start('mail-import', { mode: 'check', user: 'u-ada' }, 'manual');
    const again = await world.app.runs.start('mail-import', { mode: 'check', user: 'u-ada' }, 'manual');
    expect(checkRun.alreadyRunning).toBe(false);
    expect(checkRun.runId).not.toBe(importRun.runId);
    expect(again).toEqual({ runId: checkRun.runId, alreadyRunning: true });
    const [imported, checked] = await Promise.all([world.app.runs.waitFor(importRun.runId), world.app.runs.waitFor(checkRun.runId)]);
    expect(imported).toMatchObject({ state: 'succeeded', scope: 'user:u-ada', result: { imported: 30 } });
    expect(checked).toMatchObject({ state: 'succeeded', scope: 'check:user:u-ada' });
    expect(await world.emails('u-ada')).toHaveLength(30);
  });

  it('an unknown --user fails the check like the import', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 1) }]);
    const { run } = await runCheck(world, { user: 'u-nobody' });
    expect(run.state).toBe('failed');
    expect(run.error?.message).toContain('u-nobody');
  });
});
