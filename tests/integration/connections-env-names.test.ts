import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Headless secrets (SYNCWARDEN_SECRETS=env) are looked up by a variable derived
 * from the connection's name: upper case, every run of other characters as `_`.
 * Names the store holds apart ("Prod DB", "prod-db", "PROD_DB!") map to one
 * variable, so a second connection would silently use the first one's secret
 * (a staging database given production's password, and the console saying
 * hasSecret: true). Such a name is refused as a conflict, on create and rename.
 */
describe('env secrets: two connections never share a name variable', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });
  const call = (method: string, input: unknown) => dispatch((app as TestApp).handlers, method, input, { actor: 'manual' });
  const postgres = (host: string) => ({ driver: 'postgres', url: `postgres://app@${host}/app` });

  it('a create whose name maps to another connection’s variable is refused, and nothing is stored', async () => {
    app = await createTestApp({ secrets: new EnvSecretStore({ SYNCWARDEN_SECRET_NAME_PROD_DB_PASSWORD: 'production-password' }) });
    expect(await call('connections.create', { kind: 'appdb', name: 'Prod DB', config: postgres('127.0.0.1') })).toMatchObject({
      ok: true,
      result: { secrets: { password: { hasSecret: true } } },
    });
    for (const name of ['prod-db', 'PROD_DB!', 'prod  db']) {
      const refused = await call('connections.create', { kind: 'appdb', name, config: postgres('127.0.0.2') });
      expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('SYNCWARDEN_SECRET_NAME_PROD_DB_') } });
    }
    expect((await (app as TestApp).store.connections.list()).map((c) => c.name)).toEqual(['Prod DB']);
  });

  it('a rename onto another connection’s variable is refused and changes nothing', async () => {
    app = await createTestApp({ secrets: new EnvSecretStore({ SYNCWARDEN_SECRET_NAME_PROD_DB_PASSWORD: 'production-password' }) });
    await call('connections.create', { kind: 'appdb', name: 'Prod DB', config: postgres('127.0.0.1') });
    await call('connections.create', { kind: 'appdb', name: 'Staging', config: postgres('127.0.0.2') });
    const before = await (app as TestApp).store.connections.list();
    expect(await call('connections.update', { id: 2, name: 'prod.db' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await (app as TestApp).store.connections.list()).toEqual(before);
    // Its own variable is no conflict: a rename that keeps it (case, punctuation) is fine.
    expect(await call('connections.update', { id: 1, name: 'prod-db' })).toMatchObject({ ok: true, result: { name: 'prod-db' } });
  });
});
