import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { dispatch } from '../../core/app/dispatch';
import { createFileLogger, type FileLogger } from '../../core/logging/logger';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { SecretStoreUnavailable, type SecretStore } from '../../core/secrets/secret-store';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';
import { rawSqlite } from '../helpers/sqlite-store';

const SECRET = 'SUPER-secret-value-7f3a9c';

describe('connections', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let app: TestApp;
  let log: FileLogger;
  let secrets: MemorySecretStore;
  const responses: unknown[] = [];
  const call = async (method: string, input: unknown) => {
    const response = await dispatch(app.handlers, method, input, { actor: 'manual' }, app.log);
    responses.push(response);
    return response;
  };

  beforeEach(async () => {
    dir = makeTempDir();
    log = await createFileLogger({ dataDir: dir.path, level: 'debug' });
    secrets = new MemorySecretStore();
    app = await createTestApp({ dataDir: dir.path, log, secrets });
    responses.length = 0;
  });
  afterEach(async () => {
    await app.close();
    await log.close();
    dir.remove();
  });

  async function sqliteAppDb(): Promise<string> {
    const path = join(dir.path, 'app.db');
    const db = openSqliteAppDb({ path, create: true });
    await initCanonicalSchema(db);
    await db.close();
    return path;
  }

  it('an app database connection tests ok against the canonical schema', async () => {
    const path = await sqliteAppDb();
    const created = await call('connections.create', { kind: 'appdb', name: 'Product DB', config: { driver: 'sqlite', path } });
    expect(created).toMatchObject({ ok: true, result: { id: 1, kind: 'appdb', secrets: { password: { hasSecret: false } } } });
    expect(await call('connections.test', { id: 1 })).toMatchObject({ ok: true, result: { ok: true, status: 'ok' } });
    expect(await call('connections.list', {})).toMatchObject({ ok: true, result: [{ name: 'Product DB', lastCheck: { ok: true } }] });
  });

  it('a mapping that names a missing column fails the test, naming that column', async () => {
    const path = await sqliteAppDb();
    await call('connections.create', { kind: 'appdb', name: 'Mapped', config: { driver: 'sqlite', path, mapping: { users: { columns: { name: 'display_name' } } } } });
    expect(await call('connections.test', { id: 1 })).toMatchObject({
      ok: true,
      result: { ok: false, status: 'schema-mismatch', problems: ['column "users.display_name" (users.name) is missing'], message: expect.stringContaining('users.display_name') },
    });
  });

  it('an injection attempt in the mapping is rejected before anything is stored', async () => {
    const response = await call('connections.create', { kind: 'appdb', name: 'Evil', config: { driver: 'sqlite', path: '/x.db', mapping: { users: { table: 'users; drop table x' } } } });
    expect(response).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('"users; drop table x" is not a valid table name') } });
    expect(await app.store.connections.list()).toEqual([]);
  });

  it('a Postgres URL with a password inside is refused: the password belongs in the keychain', async () => {
    const response = await call('connections.create', { kind: 'appdb', name: 'PG', config: { driver: 'postgres', url: 'postgres://app:hunter2@db.example.com/app' } });
    expect(response).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('keychain') } });
  });

  it('no secret value appears in the store file, the logs or any contract response', async () => {
    const created = await call('connections.create', {
      kind: 'cloudinary',
      name: 'Media',
      config: { cloudName: 'demo', apiKey: '1234', rootFolder: 'prod', apiBaseUrl: 'http://127.0.0.1:1' },
      secrets: { apiSecret: SECRET },
    });
    expect(created).toMatchObject({ ok: true, result: { secrets: { apiSecret: { hasSecret: true } } } });
    await call('connections.update', { id: 1, name: 'Media (prod)', secrets: { apiSecret: `${SECRET}-rotated` } });
    await call('connections.test', { id: 1 });
    await call('connections.list', {});
    app.log.info({ connection: await app.connections.settings((await app.store.connections.get(1))!) }, 'settings resolved for a probe');
    expect(await secrets.get('connection/1/apiSecret')).toBe(`${SECRET}-rotated`);

    rawSqlite(app.store).pragma('wal_checkpoint(TRUNCATE)');
    await log.close();
    const storeBytes = readdirSync(dir.path).filter((f) => f.startsWith('syncwarden.db')).map((f) => readFileSync(join(dir.path, f)).toString('latin1')).join('');
    const logText = readdirSync(join(dir.path, 'logs')).map((f) => readFileSync(join(dir.path, 'logs', f), 'utf8')).join('');
    expect(logText).toContain('settings resolved for a probe');
    for (const haystack of [storeBytes, logText, JSON.stringify(responses)]) expect(haystack).not.toContain(SECRET);
    log = await createFileLogger({ dataDir: dir.path }); // afterEach closes it
  });

  it('secrets: required ones must be given, unknown ones are refused, a required one cannot be removed', async () => {
    const base = { kind: 'supabase', name: 'Auth', config: { url: 'http://127.0.0.1:9' } };
    expect(await call('connections.create', base)).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'Required: serviceRoleKey.' } });
    expect(await call('connections.create', { ...base, secrets: { serviceRoleKey: 'k', password: 'x' } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call('connections.create', { ...base, secrets: { serviceRoleKey: 'k' } })).toMatchObject({ ok: true });
    expect(await call('connections.update', { id: 1, secrets: { serviceRoleKey: null } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call('connections.create', { ...base, secrets: { serviceRoleKey: 'k' } })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await call('connections.delete', { id: 1 })).toMatchObject({ ok: true, result: { deleted: true } });
    expect(secrets.values.size).toBe(0);
  });

  it('without a keychain, creating a connection fails clearly and leaves nothing behind', async () => {
    const broken: SecretStore = {
      kind: 'keychain',
      get: async () => null,
      set: async () => {
        throw new SecretStoreUnavailable('no Secret Service');
      },
      delete: async () => {},
    };
    await app.close();
    app = await createTestApp({ dataDir: dir.path, log, secrets: broken });
    const response = await call('connections.create', { kind: 'dropbox', name: 'Files', config: { appKey: 'k' }, secrets: { appSecret: 's' } });
    expect(response).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('SYNCWARDEN_SECRETS=env') } });
    expect(await app.store.connections.list()).toEqual([]);
  });
});
