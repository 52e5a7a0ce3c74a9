import { afterEach, describe, expect, it } from 'vitest';
import { googleTokenFaults } from '../emulators/google';
import { TEST_CLIENT } from '../emulators/google/test-support';
import { inbox, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * Whose fault (DESIGN §4.2) in mail-import, end to end with the real
 * googleapis client: the admin's refused OAuth client fails the run with a
 * message pointing at the Connections page and flags nobody; only a user's
 * dead grant flags that user; a flag is cleared once the user's import works.
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const threeUsers = () => openMailWorld([{ id: 'ada', messages: inbox('ada', 3) }, { id: 'bob', messages: inbox('bob', 2) }, { id: 'cy', messages: inbox('cy', 1) }]);
const flagged = async (w: MailWorld) => {
  const out: string[] = [];
  for (const id of ['u-ada', 'u-bob', 'u-cy']) if (await w.needsReconnect(id)) out.push(id);
  return out;
};

describe('mail-import: whose fault', () => {
  it('a wrong client secret (invalid_client) fails the run with the Connections-page message and flags nobody', async () => {
    world = await threeUsers();
    world.emulator.setClientSecret(TEST_CLIENT.clientId, 'the-secret-the-admin-did-not-paste');
    const run = await world.run();
    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('connection-misconfigured');
    expect(run.error?.message).toMatch(/Google refused the credentials of the Google connection “Google” \(invalid_client/);
    expect(run.error?.message).toMatch(/Connections page/);
    expect(await flagged(world)).toEqual([]);
    // The first refusal stops the run: no further user is tried (USER_CONCURRENCY = 2).
    expect(world.emulator.count('oauth.token')).toBeLessThanOrEqual(2);

    // Fixed on the Connections page (here: Google accepts the secret again): the next run imports everyone.
    world.emulator.setClientSecret(TEST_CLIENT.clientId, TEST_CLIENT.clientSecret);
    const fixed = await world.run();
    expect(fixed).toMatchObject({ state: 'succeeded', result: { imported: 6, outcomes: { imported: 3 } } });
  });

  it('unauthorized_client at the token endpoint is the connection’s fault too', async () => {
    world = await threeUsers();
    world.emulator.fault('oauth.token', googleTokenFaults.unauthorizedClient());
    const run = await world.run();
    expect(run).toMatchObject({ state: 'failed', error: { code: 'connection-misconfigured' } });
    expect(await flagged(world)).toEqual([]);
  });

  it('a 401 that survives a token refresh fails that user only: a refused call is not a revoked grant', async () => {
    world = await threeUsers();
    const envelope = { error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError', domain: 'global', message: 'Invalid Credentials' }], status: 'UNAUTHENTICATED' } };
    world.emulator.fault('gmail.profile.get', { status: 401, body: envelope });
    const run = await world.run({ user: 'u-ada' });
    expect(run.state).toBe('partial');
    expect(run.result).toMatchObject({ outcomes: { failed: 1 }, needsReconnect: [], itemsFailed: 1, failedItems: [{ item: 'ada@example.com', reason: expect.stringMatching(/Invalid Credentials/) }] });
    expect(await flagged(world)).toEqual([]);
  });

  it('a flag left from before is cleared by the next import that works; a user still failing keeps it', async () => {
    world = await threeUsers();
    // As an earlier version left it after an invalid_client run: everyone flagged.
    await world.db.execute('UPDATE storage_accounts SET needs_reconnect = ?', [true]);
    world.emulator.revokeRefreshToken('1//refresh-cy');
    const run = await world.run();
    // Cy was flagged before and is refused again: not a failure of this run.
    expect(run.state).toBe('succeeded');
    expect(run.result).toMatchObject({ outcomes: { imported: 2, 'needs-reconnect': 1 }, reconnected: 2, itemsFailed: 0 });
    expect(await flagged(world)).toEqual(['u-cy']);

    // Cy reconnects (a new grant in the product's row): the next import clears the flag.
    world.emulator.grantRefreshToken('cy', '1//refresh-cy-2');
    await world.db.execute("UPDATE storage_accounts SET refresh_token = ?, access_token = NULL WHERE user_id = 'u-cy'", ['1//refresh-cy-2']);
    const after = await world.run();
    expect(after.result).toMatchObject({ outcomes: { imported: 3 }, reconnected: 1 });
    expect(await flagged(world)).toEqual([]);
  });
});
