import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { makeTempDir } from '../helpers/temp-dir';
import { describeIdentityEngine } from './identity-suite';
import { describeRevertGuard } from './identity-revert-guard-suite';
import { describeIdentityTrust } from './identity-trust-suite';
import { describeRelinkReferences } from './identity-relink-suite';

const dir = makeTempDir();
afterAll(() => dir.remove());
const path = join(dir.path, 'product.db');

describeIdentityEngine('a SQLite users table', {
  open: async () => openSqliteAppDb({ path, create: true }),
  config: () => ({ driver: 'sqlite', path }),
  reset: async (db) => void (await db.execute('DROP TABLE IF EXISTS users')),
});

describeIdentityTrust('a SQLite users table', {
  open: async () => openSqliteAppDb({ path, create: true }),
  config: () => ({ driver: 'sqlite', path }),
  reset: async (db) => void (await db.execute('DROP TABLE IF EXISTS users')),
});

describeRevertGuard('a SQLite users table', {
  open: async () => openSqliteAppDb({ path, create: true }),
  config: () => ({ driver: 'sqlite', path }),
  reset: async (db) => void (await db.execute('DROP TABLE IF EXISTS users')),
});

describeRelinkReferences('a SQLite users table', {
  open: async () => openSqliteAppDb({ path, create: true }),
  config: () => ({ driver: 'sqlite', path }),
  reset: async (db) => void (await db.execute('DROP TABLE IF EXISTS users')),
});
