import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { resolveMapping } from '../../core/appdb/mapping';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { StorageAccountTokenStore } from '../../core/appdb/storage-account-tokens';
import { DriveConnector } from '../../core/connectors/google/drive.connector';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, manyFiles, seedWith, TEST_CLIENT } from '../emulators/google/test-support';
import { makeTempDir } from '../helpers/temp-dir';

/** Per-user tokens live in the product's storage-accounts rows; a refresh is written back there. */
describe('OAuth tokens from the app database', () => {
  const dir = makeTempDir();
  let db: AppDbAdapter;
  let google: GoogleEmulator;
  // A product with its own names: the mapping is honoured for reads and writes.
  const mapping = resolveMapping({ storageAccounts: { table: 'linked_accounts', columns: { accessToken: 'oauth_access', refreshToken: 'oauth_refresh' } } });

  beforeAll(async () => {
    google = await startGoogleEmulator(seedWith(account('ada', { files: manyFiles(3) })));
    db = openSqliteAppDb({ path: join(dir.path, 'app.db'), create: true });
    await initCanonicalSchema(db);
    await db.execute('ALTER TABLE storage_accounts RENAME TO linked_accounts');
    await db.execute('ALTER TABLE linked_accounts RENAME COLUMN access_token TO oauth_access');
    await db.execute('ALTER TABLE linked_accounts RENAME COLUMN refresh_token TO oauth_refresh');
    await db.execute(`INSERT INTO linked_accounts (id, user_id, provider, oauth_refresh) VALUES ('acc-1', 'u1', 'google', '1//refresh-ada')`);
  });
  afterAll(async () => {
    await db.close();
    await google.close();
    dir.remove();
  });

  it('the connector refreshes from the stored refresh token and writes the new access token back to the row', async () => {
    const tokens = new StorageAccountTokenStore(db, mapping, 'acc-1');
    const drive = new DriveConnector({ ...TEST_CLIENT, rootUrl: `${google.url}/`, tokenUrl: `${google.url}/token`, tokens });
    const files = [];
    for await (const page of drive.listFiles()) files.push(...page.files);
    expect(files).toHaveLength(3);

    const [row] = await db.query<{ oauth_access: string | null; oauth_refresh: string; token_expires_at: number | null }>(
      `SELECT oauth_access, oauth_refresh, token_expires_at FROM linked_accounts WHERE id = 'acc-1'`,
    );
    expect(row?.oauth_access).toMatch(/\S+/);
    expect(row?.oauth_refresh).toBe('1//refresh-ada');
    expect(Number(row?.token_expires_at)).toBeGreaterThan(Date.now());
    expect(google.count('oauth.token')).toBe(1);

    // A second connector (another run) reuses the stored token: no new refresh.
    const again = new DriveConnector({ ...TEST_CLIENT, rootUrl: `${google.url}/`, tokenUrl: `${google.url}/token`, tokens: new StorageAccountTokenStore(db, mapping, 'acc-1') });
    await again.getFile('file-0');
    expect(google.count('oauth.token')).toBe(1);
  });

  it('an unknown account is reported by id', async () => {
    await expect(new StorageAccountTokenStore(db, mapping, 'nope').load()).rejects.toThrow(/storage account nope is not in linked_accounts/);
  });
});
