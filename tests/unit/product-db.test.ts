/**
 * The one product-database service (ConnectionsService.appDbConnection /
 * openAppDb / withAppDb): every reader finds, opens and closes the product
 * database the same way, and none or several connections are refused alike.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { ProductDbUnavailable } from '../../core/appdb/product-db';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('the product-database service', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp();
  });
  afterEach(async () => {
    await app.dispose();
  });

  const product = async (name: string) => {
    const path = join(app.dataDir, `${name}.db`);
    const db = openSqliteAppDb({ path, create: true });
    await initCanonicalSchema(db);
    await db.close();
    return app.connections.create({ kind: 'appdb', name, config: { driver: 'sqlite', path, mapping: { users: { table: 'users' } } }, secrets: {} });
  };

  it('refuses when there is none, with the one wording every reader shows', async () => {
    await expect(app.connections.appDbConnection()).rejects.toThrow(ProductDbUnavailable);
    await expect(app.connections.withAppDb(() => Promise.resolve(1))).rejects.toMatchObject({
      code: 'unavailable',
      reason: 'none',
      message: 'No product database connection is set up: add one on the Connections page.',
    });
  });

  it('refuses to guess between several', async () => {
    await product('one');
    await product('two');
    await expect(app.connections.openAppDb()).rejects.toMatchObject({ code: 'unavailable', reason: 'several', message: 'There are several product database connections: keep one.' });
  });

  it('opens the one connection with typed settings and its mapping, and closes it after the work, even when the work fails', async () => {
    const created = await product('only');
    let seen: { driver: string; path?: string; table: string; open: () => Promise<unknown> } | undefined;
    await expect(
      app.connections.withAppDb(async ({ db, mapping, config, connection }) => {
        expect(connection).toMatchObject({ id: created.id, name: 'only', kind: 'appdb' });
        seen = { driver: config.driver, ...(config.driver === 'sqlite' ? { path: config.path } : {}), table: mapping.users.table, open: () => db.query('SELECT 1') };
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(seen).toMatchObject({ driver: 'sqlite', path: join(app.dataDir, 'only.db'), table: 'users' });
    await expect(seen?.open()).rejects.toThrow();
  });
});
