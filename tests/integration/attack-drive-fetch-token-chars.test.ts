import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack (#19, plain-fetch Drive listing): the product's storage_accounts row
 * holds an access token that cannot be sent in an Authorization header (a line
 * break, a character past Latin-1). fetch refuses it before any request, so
 * no 401 ever comes to trigger the refresh: the account stayed unknown on
 * every run, blamed on the network ("no response"). Such a token is no token:
 * the stored refresh token gets a new one, and the check concludes.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack: an access token that cannot go in a header', () => {
  for (const token of ['ya29.a\nb', 'ya29.\u2028x', 'ya29.😀']) {
    it(`${JSON.stringify(token)}: refreshed, the listing concludes (one orphan), the stored token replaced`, async () => {
      world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }]);
      await world.exec('UPDATE storage_accounts SET access_token = ?, token_expires_at = NULL', [token]);
      const check = await world.run({ mode: 'check', strategy: 'list', full: true });
      expect(resultOf(check).results[0]).toMatchObject({ status: 'orphans', orphans: 1 });
      const [row] = await world.rows<{ access_token: string }>('SELECT access_token FROM storage_accounts');
      expect(row?.access_token).not.toBe(token);
      expect(world.google.count('oauth.token')).toBe(1);
    });
  }
});
