import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { createFileLogger, type FileLogger } from '../../core/logging/logger';
import { connectionSecretKey } from '../../core/secrets/secret-store';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The connected account and its refresh token are written only by Connect and
 * removed only by Disconnect (core/connections/oauth): an edit through the API
 * or the CLI must not make the card name one account while another's token is stored.
 */
describe('the connected account is Connect’s alone', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let app: TestApp;
  let log: FileLogger;
  let secrets: MemorySecretStore;
  const call = (method: string, input: unknown) => dispatch(app.handlers, method, input, { actor: 'manual' }, app.log);
  const account = { email: 'mallory@example.com', connectedAt: '2026-12-02T10:00:00.000Z' };

  beforeEach(async () => {
    dir = makeTempDir();
    log = await createFileLogger({ dataDir: dir.path, level: 'debug' });
    secrets = new MemorySecretStore();
    app = await createTestApp({ dataDir: dir.path, log, secrets });
  });
  afterEach(async () => {
    await app.close();
    await log.close();
    dir.remove();
  });

  it('create drops a connected account it is given and refuses a refresh token', async () => {
    const refused = await call('connections.create', { kind: 'dropbox', name: 'Files', config: { appKey: 'k' }, secrets: { appSecret: 's', refreshToken: 'rt-forged' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { fields: ['refreshToken'] } } });
    expect(await call('connections.list', {})).toMatchObject({ ok: true, result: [] });

    const created = await call('connections.create', { kind: 'dropbox', name: 'Files', config: { appKey: 'k', connectedAccount: account }, secrets: { appSecret: 's' } });
    expect(created).toMatchObject({ ok: true });
    expect(created.ok && created.result).not.toHaveProperty('config.connectedAccount');
  });

  it('an edit keeps the stored account whatever it sends, and cannot set or remove the refresh token', async () => {
    const created = await call('connections.create', { kind: 'dropbox', name: 'Files', config: { appKey: 'k' }, secrets: { appSecret: 's' } });
    if (!created.ok) throw new Error('create failed');
    const { id } = created.result as { id: number };
    const stored = { email: 'ada@example.com', connectedAt: '2026-12-01T09:00:00.000Z' };
    await app.connections.setConnectedAccount(id, stored, 'rt-ada');

    const edited = await call('connections.update', { id, config: { appKey: 'k2', connectedAccount: account } });
    expect(edited).toMatchObject({ ok: true, result: { config: { appKey: 'k2', connectedAccount: stored } } });
    const dropped = await call('connections.update', { id, config: { appKey: 'k3' } });
    expect(dropped).toMatchObject({ ok: true, result: { config: { appKey: 'k3', connectedAccount: stored } } });

    for (const refreshToken of ['rt-forged', null]) {
      expect(await call('connections.update', { id, secrets: { refreshToken } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(await call('connections.list', {})).toMatchObject({ ok: true, result: [{ id, secrets: { refreshToken: { hasSecret: true } } }] });
    expect(await secrets.get(connectionSecretKey(id, 'refreshToken'))).toBe('rt-ada');
  });
});
