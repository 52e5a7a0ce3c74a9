import { afterAll, beforeAll } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { describeIdentityEngine } from './identity-suite';
import { describeRevertGuard } from './identity-revert-guard-suite';
import { describeIdentityTrust } from './identity-trust-suite';
import { describeRelinkReferences } from './identity-relink-suite';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('app');
}, 120_000);
afterAll(async () => server?.stop());

const target = {
  open: async () => openPostgresAppDb({ connectionString: server.url('app') }),
  config: () => ({ driver: 'postgres', url: server.url('app'), sslMode: 'disable' }),
  reset: async (db: AppDbAdapter) => void (await db.execute('DROP TABLE IF EXISTS users')),
};
describeIdentityEngine('a PostgreSQL 15 users table', target);
describeIdentityTrust('a PostgreSQL 15 users table', target);
describeRevertGuard('a PostgreSQL 15 users table', target);
describeRelinkReferences('a PostgreSQL 15 users table', target);
