import { afterEach, describe, expect, it } from 'vitest';
import { inbox, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * The user reconnects Google while an import is refreshing their token: the
 * product writes a new refresh token into storage_accounts (and the old one
 * may be revoked by then). The import must neither write the old refresh
 * token back over the new one (the product's newest grant would be lost) nor
 * flag the user who just reconnected (DESIGN §4.2: only a grant that is dead
 * *now* is the user's fault).
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const storedRefresh = async (w: MailWorld) => (await w.db.query<{ t: string }>(`SELECT refresh_token AS t FROM storage_accounts WHERE id = 'sa-ada'`))[0]?.t;

async function importWhileUserReconnects(w: MailWorld, revokeOld: boolean) {
  // The token request takes a while; the user reconnects meanwhile.
  w.emulator.fault('oauth.token', { status: 200, passThrough: true, delayMs: 600, times: 1 });
  const started = (await w.app.runs.start('mail-import', { mode: 'import' }, 'manual')).runId;
  await new Promise((resolve) => setTimeout(resolve, 250));
  w.emulator.grantRefreshToken('ada', '1//refresh-ada-new');
  await w.db.execute(`UPDATE storage_accounts SET refresh_token = '1//refresh-ada-new', access_token = NULL WHERE id = 'sa-ada'`);
  if (revokeOld) w.emulator.revokeRefreshToken('1//refresh-ada');
  return w.app.runs.waitFor(started);
}

describe('mail-import: the user reconnects while the import refreshes the token', () => {
  it('the old refresh token is not written back over the new one', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 2) }]);
    await importWhileUserReconnects(world, false);
    expect(await storedRefresh(world)).toBe('1//refresh-ada-new');
  });

  it('the old token revoked meanwhile: the user who just reconnected is not flagged, and the mail is imported', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 2) }]);
    const run = await importWhileUserReconnects(world, true);
    expect(await world.needsReconnect('u-ada')).toBe(false);
    expect(run?.result).toMatchObject({ imported: 2 });
    expect(await storedRefresh(world)).toBe('1//refresh-ada-new');
  });

  it('a refresh token the provider rotated is written back (google-auth-library would echo the old one)', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 2) }]);
    const access = world.emulator.issueAccessToken('ada');
    world.emulator.grantRefreshToken('ada', '1//rotated-ada');
    world.emulator.fault('oauth.token', { status: 200, times: 1, body: { access_token: access, expires_in: 3599, token_type: 'Bearer', refresh_token: '1//rotated-ada' } });
    const run = await world.run();
    expect(run.result).toMatchObject({ imported: 2 });
    expect(await storedRefresh(world)).toBe('1//rotated-ada');
  });
});
