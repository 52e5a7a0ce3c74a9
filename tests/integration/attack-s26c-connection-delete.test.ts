import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Outside review (issue #16, "secrets change all-or-nothing"): connections.delete removes every secret from the
 * SecretStore first and only then deletes the row (connections.service.ts deleteNow). A store that refuses
 * the DELETE (SQLITE_BUSY past its timeout, a PostgreSQL store connection lost) leaves the connection in
 * place, still saying hasSecret: true, while its secrets are gone for good: the same half-write issue #16
 * item 5 fixed for updates. A refused delete must leave secrets and settings as they were.
 */
describe('connections.delete is all or nothing', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });
  const call = (method: string, input: unknown) => dispatch((app as TestApp).handlers, method, input, { actor: 'manual' });

  it('a store refusing the DELETE keeps the connection’s secrets', async () => {
    const secrets = new MemorySecretStore();
    const current = (app = await createTestApp({ secrets }));
    expect(await call('connections.create', { kind: 'dropbox', name: 'Dropbox', config: { appKey: 'key-1' }, secrets: { appSecret: 'app-secret-1' } })).toMatchObject({ ok: true });
    const before = new Map(secrets.values);
    const remove = current.store.connections.delete.bind(current.store.connections);
    current.store.connections.delete = () => Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
    const refused = await call('connections.delete', { id: 1 });
    current.store.connections.delete = remove;
    expect(refused.ok).toBe(false);
    // The connection is still there and says it has its secret: the secret must really still be there.
    expect(await call('connections.list', {})).toMatchObject({ ok: true, result: [{ name: 'Dropbox', secrets: { appSecret: { hasSecret: true } } }] });
    expect(secrets.values).toEqual(before);
  });

  it('a secret the store cannot delete after the row is gone is named in the answer, never a clean delete', async () => {
    const secrets = new MemorySecretStore();
    app = await createTestApp({ secrets });
    expect(await call('connections.create', { kind: 'dropbox', name: 'Dropbox', config: { appKey: 'key-1' }, secrets: { appSecret: 'app-secret-1' } })).toMatchObject({ ok: true });
    secrets.delete = () => Promise.reject(new Error('the keychain is locked'));
    const answer = await call('connections.delete', { id: 1 });
    expect(answer).toEqual({ ok: true, result: { id: 1, deleted: true, leftoverSecrets: [{ field: 'appSecret', entry: 'connection/1/appSecret', reason: 'the keychain is locked' }] } });
    expect(await call('connections.list', {})).toEqual({ ok: true, result: [] });
  });

  it('a clean delete removes the row and every secret', async () => {
    const secrets = new MemorySecretStore();
    app = await createTestApp({ secrets });
    const before = new Map(secrets.values);
    expect(await call('connections.create', { kind: 'dropbox', name: 'Dropbox', config: { appKey: 'key-1' }, secrets: { appSecret: 'app-secret-1' } })).toMatchObject({ ok: true });
    expect(await call('connections.delete', { id: 1 })).toEqual({ ok: true, result: { id: 1, deleted: true } });
    expect(secrets.values).toEqual(before);
  });
});
