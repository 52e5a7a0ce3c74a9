import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { PG_PASSWORD, startPostgres, type TestPostgres } from '../helpers/postgres';
import { inbox, mail, openMailWorld, type MailWorld, type ProductDbTarget } from './mail-import.setup';

/**
 * The same import into a real PostgreSQL 15: ON CONFLICT DO NOTHING on
 * (user_id, gmail_message_id), boolean settings and flags, timestamptz
 * cursors. Each test gets its own database.
 */
let server: TestPostgres;
let databases = 0;
let world: MailWorld | undefined;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => server?.stop());
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function freshDatabase(): Promise<ProductDbTarget> {
  const name = `mail_${++databases}`;
  await server.createDatabase(name);
  const url = `postgres://postgres@127.0.0.1:${server.port}/${name}`;
  return {
    open: () => openPostgresAppDb({ connectionString: url, password: PG_PASSWORD }),
    connection: () => ({ config: { driver: 'postgres', url, sslMode: 'disable' }, secrets: { password: PG_PASSWORD } }),
  };
}

describe('mail-import into PostgreSQL', () => {
  it('first pass, a history delta, and a re-run that inserts nothing', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 520) }, { id: 'grace', messages: inbox('grace', 4) }], await freshDatabase());
    const first = await world.run();
    expect(first.state, JSON.stringify(first.error)).toBe('succeeded');
    expect(first.result).toMatchObject({ imported: 524, passes: { full: 2 } });
    expect(await world.emails('u-ada')).toHaveLength(520);

    world.emulator.addMessage('grace', mail('grace-new', 0));
    world.emulator.resetCounts();
    const delta = await world.run();
    expect(delta.result).toMatchObject({ imported: 1, passes: { history: 2 } });
    expect(world.emulator.count('gmail.messages.list')).toBe(0);
    expect(world.emulator.count('gmail.messages.get')).toBe(1);

    const again = await world.run();
    expect(again.result).toMatchObject({ imported: 0, skipped: 0 });
    const [{ n }] = (await world.db.query<{ n: string }>('SELECT count(*) AS n FROM emails')) as [{ n: string }];
    expect(Number(n)).toBe(525);
    expect((await world.settings('u-grace'))?.last_import_at).toBeInstanceOf(Date);
  });

  it('a revoked grant sets the boolean needs_reconnect; the other user imports', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 3) }, { id: 'grace', messages: inbox('grace', 3) }], await freshDatabase());
    world.emulator.revokeRefreshToken('1//refresh-ada');
    const run = await world.run();
    expect(run.result).toMatchObject({ imported: 3, needsReconnect: [{ userId: 'u-ada', email: 'ada@example.com', provider: 'google' }] });
    expect(await world.needsReconnect('u-ada')).toBe(true);
    expect(await world.needsReconnect('u-grace')).toBe(false);
  });

  it('a check writes nothing but a rotated grant, flags nobody, and reports what the import then inserts', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 3) }, { id: 'grace', messages: inbox('grace', 2) }], await freshDatabase());
    const access = world.emulator.issueAccessToken('ada');
    world.emulator.grantRefreshToken('ada', '1//rotated-ada');
    world.emulator.fault('oauth.token', { status: 200, times: 1, body: { access_token: access, expires_in: 3599, token_type: 'Bearer', refresh_token: '1//rotated-ada' } });
    world.emulator.revokeRefreshToken('1//refresh-grace');
    const check = await world.app.runs.waitFor((await world.app.runs.start('mail-import', { mode: 'check', user: 'u-ada' }, 'manual')).runId);
    expect(check?.result).toMatchObject({ mode: 'check', wouldImport: 3, tokensWritten: 1 });
    const [row] = await world.db.query<{ refresh_token: string }>(`SELECT refresh_token FROM storage_accounts WHERE id = 'sa-ada'`);
    expect(row?.refresh_token).toBe('1//rotated-ada');
    const all = await world.app.runs.waitFor((await world.app.runs.start('mail-import', { mode: 'check' }, 'manual')).runId);
    expect(all).toMatchObject({ state: 'partial', result: { wouldImport: 3, needsReconnect: [{ userId: 'u-grace' }] } });
    expect(await world.needsReconnect('u-grace')).toBe(false);
    expect(await world.emails('u-ada')).toHaveLength(0);
    expect(await world.settings('u-ada')).toMatchObject({ history_id: null, last_import_at: null });
    expect((await world.run()).result).toMatchObject({ imported: 3 });
  });
});
