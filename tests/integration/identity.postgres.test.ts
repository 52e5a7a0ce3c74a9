import { afterAll, beforeAll } from 'vitest';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { describeIdentityEngine } from './identity-suite';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('app');
}, 120_000);
afterAll(async () => server?.stop());

describeIdentityEngine('a PostgreSQL 15 users table', {
  open: async () => openPostgresAppDb({ connectionString: server.url('app') }),
  config: () => ({ driver: 'postgres', url: server.url('app'), sslMode: 'disable' }),
  reset: async (db) => void (await db.execute('DROP TABLE IF EXISTS users')),
});
