import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { describeAppDbAdapter } from './appdb-suite';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('app');
}, 120_000);
afterAll(async () => server?.stop());

describeAppDbAdapter('PostgreSQL 15', async () => ({ db: openPostgresAppDb({ connectionString: server.url('app') }), cleanup: async () => {} }));

describe('PostgreSQL connection check', () => {
  it('reports bad credentials, a missing database and an unreachable server with the server’s message', async () => {
    const wrongPassword = openPostgresAppDb({ connectionString: server.url('app').replace(/:[^:@]+@/, ':nope@') });
    expect(await wrongPassword.check()).toMatchObject({ ok: false, status: 'bad-credentials', message: expect.stringMatching(/password authentication failed/) });
    await wrongPassword.close();

    const missing = openPostgresAppDb({ connectionString: server.url('no_such_db') });
    expect(await missing.check()).toMatchObject({ ok: false, status: 'missing-database', message: expect.stringMatching(/"no_such_db" does not exist/) });
    await missing.close();

    const unreachable = openPostgresAppDb({ connectionString: 'postgres://postgres:x@127.0.0.1:1/app', connectTimeoutMs: 2000 });
    expect(await unreachable.check()).toMatchObject({ ok: false, status: 'unreachable' });
    await unreachable.close();
  });

  it('keeps the password out of the URL when given separately', async () => {
    const db = openPostgresAppDb({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/app`, password: 'syncwarden-test' });
    const check = await db.check();
    expect(check, check.message).toMatchObject({ ok: true });
    await db.close();
  });
});
