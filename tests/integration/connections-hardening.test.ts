import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { ConnectionSecrets } from '../../core/connections/connection-secrets';
import { createEngineResources } from '../../core/engines/engine-resources';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import type { SecretStore } from '../../core/secrets/secret-store';
import { loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** A memory store that fails the nth set (1-based), as a keychain that locks midway does. */
class FlakySecretStore extends MemorySecretStore {
  sets = 0;
  constructor(private readonly failAtSet: number) {
    super();
  }
  override async set(key: string, value: string): Promise<void> {
    if (++this.sets === this.failAtSet) throw new Error('the keychain locked');
    return super.set(key, value);
  }
}

/** Every write takes a few milliseconds, as a keychain over D-Bus does: calls overlap at their awaits. */
class SlowSecretStore extends MemorySecretStore {
  override async set(key: string, value: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return super.set(key, value);
  }
}

describe('connections: all-or-nothing updates, credential-free URLs, headless secrets', () => {
  let app: TestApp | undefined;
  let dropbox: DropboxEmulator;
  const seed = loadDropboxSeed();
  beforeAll(async () => {
    dropbox = await startDropboxEmulator(seed);
  });
  afterAll(async () => dropbox?.close());
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });
  const open = async (secrets: SecretStore) => (app = await createTestApp({ secrets }));
  const call = (method: string, input: unknown) => dispatch((app as TestApp).handlers, method, input, { actor: 'manual' });
  const snapshot = async (secrets: MemorySecretStore) => ({ secrets: new Map(secrets.values), rows: await (app as TestApp).store.connections.list() });

  describe('connections.update is all or nothing', () => {
    it('a refused update (a required secret removed) leaves secrets and settings exactly as they were', async () => {
      const secrets = new MemorySecretStore();
      await open(secrets);
      await call('connections.create', { kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: '/tmp/product.db' }, secrets: { password: 'pw-1' } });
      await call('connections.create', { kind: 'google', name: 'Google', config: { clientId: 'id-1' }, secrets: { clientSecret: 'cs-1' } });
      const before = await snapshot(secrets);
      const refused = await call('connections.update', { id: 2, name: 'Renamed', config: { clientId: 'id-2' }, secrets: { clientSecret: null } });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/clientSecret cannot be removed/) } });
      expect(await snapshot(secrets)).toEqual(before);
      expect(await call('connections.list', {})).toMatchObject({ ok: true, result: [{ name: 'Product', secrets: { password: { hasSecret: true } } }, { name: 'Google', secrets: { clientSecret: { hasSecret: true } } }] });
    });

    it('a secret write failing puts back what was already written, and the update changes nothing', async () => {
      // Field by field: no kind collects two secrets today, so the put-back of an earlier field is proven on ConnectionSecrets itself.
      const flaky = new FlakySecretStore(3);
      const connection = { id: 7, name: 'Two secrets' };
      await new ConnectionSecrets(flaky).writeValues(connection, { first: 'a-1', second: 'b-1' });
      const kept = new Map(flaky.values);
      await expect(new ConnectionSecrets(flaky).writeValues(connection, { first: 'a-2', second: 'b-2' })).rejects.toThrow('the keychain locked');
      expect(flaky.values).toEqual(kept);

      const secrets = new FlakySecretStore(2); // the create's set; the update's set fails
      await open(secrets);
      await call('connections.create', { kind: 'google', name: 'Google', config: { clientId: 'id-1' }, secrets: { clientSecret: 'cs-1' } });
      const before = await snapshot(secrets);
      const failed = await call('connections.update', { id: 1, config: { clientId: 'id-2' }, secrets: { clientSecret: 'cs-2' } });
      expect(failed).toMatchObject({ ok: false, error: { code: 'internal', message: 'the keychain locked' } });
      expect(await snapshot(secrets)).toEqual(before);
    });

    it('a store write failing after the secrets were written puts the old secrets back (and a removed one returns)', async () => {
      const secrets = new MemorySecretStore();
      const current = await open(secrets);
      await call('connections.create', { kind: 'google', name: 'Google', config: { clientId: 'id-1' }, secrets: { clientSecret: 'cs-1' } });
      await call('connections.create', { kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: '/tmp/product.db' }, secrets: { password: 'pw-1' } });
      const before = await snapshot(secrets);
      const update = current.store.connections.update.bind(current.store.connections);
      current.store.connections.update = () => {
        throw new Error('SQLITE_BUSY: database is locked');
      };
      const replaced = await call('connections.update', { id: 1, name: 'Renamed', secrets: { clientSecret: 'cs-2' } });
      const removed = await call('connections.update', { id: 2, name: 'Renamed', secrets: { password: null } });
      current.store.connections.update = update;
      expect(replaced).toMatchObject({ ok: false, error: { code: 'internal' } });
      expect(removed).toMatchObject({ ok: false, error: { code: 'internal' } });
      expect(await snapshot(secrets)).toEqual(before);
    });

    it('a put-back the secret store refuses skips none of the others, and is named, not swallowed', async () => {
      // Field by field on ConnectionSecrets (no kind collects two secrets): the put-back runs newest first, and
      // `second`'s is refused; before, that ended the undo and `first` kept its new value unsaid.
      const store = new (class extends MemorySecretStore {
        refuse = false;
        override async set(key: string, value: string): Promise<void> {
          if (this.refuse && key.endsWith('/second')) throw new Error('the keychain locked');
          return super.set(key, value);
        }
      })();
      const secrets = new ConnectionSecrets(store);
      const connection = { id: 7, name: 'Two secrets' };
      await secrets.writeValues(connection, { first: 'a-1', second: 'b-1' });
      const undo = await secrets.writeValues(connection, { first: 'a-2', second: 'b-2' });
      store.refuse = true;
      expect(await undo()).toEqual([{ field: 'second', entry: 'connection/7/second', reason: 'the keychain locked' }]);
      expect(store.values.get('connection/7/first')).toBe('a-1');
    });

    it('a refused update whose old secret cannot be put back says so (unrestoredSecrets) and logs it', async () => {
      const secrets = new (class extends MemorySecretStore {
        sets = 0;
        override async set(key: string, value: string): Promise<void> {
          if (++this.sets === 3) throw new Error('the keychain locked'); // the create's, the update's, then the put-back
          return super.set(key, value);
        }
      })();
      const current = await open(secrets);
      await call('connections.create', { kind: 'google', name: 'Google', config: { clientId: 'id-1' }, secrets: { clientSecret: 'cs-1' } });
      const update = current.store.connections.update.bind(current.store.connections);
      current.store.connections.update = () => {
        throw new Error('SQLITE_BUSY: database is locked');
      };
      const failed = await call('connections.update', { id: 1, secrets: { clientSecret: 'cs-2' } });
      current.store.connections.update = update;
      expect(failed).toMatchObject({
        ok: false,
        error: {
          message: expect.stringMatching(/database is locked.*would not take back the old clientSecret/),
          details: { unrestoredSecrets: [{ field: 'clientSecret', entry: 'connection/1/clientSecret', reason: 'the keychain locked' }] },
        },
      });
    });

    it('a removed secret is deleted only after the row stops listing it; one the store will not delete is left unread', async () => {
      const secrets = new (class extends MemorySecretStore {
        override async delete(): Promise<void> {
          throw new Error('the keychain locked');
        }
      })();
      await open(secrets);
      await call('connections.create', { kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: '/tmp/product.db' }, secrets: { password: 'pw-1' } });
      const removed = await call('connections.update', { id: 1, secrets: { password: null } });
      expect(removed).toMatchObject({ ok: true, result: { secrets: { password: { hasSecret: false } } } });
      expect(secrets.values.get('connection/1/password')).toBe('pw-1');
    });

    it('updates of one connection do not interleave: a failed one never puts back over a later one', async () => {
      const secrets = new SlowSecretStore();
      const current = await open(secrets);
      await call('connections.create', { kind: 'google', name: 'Google', config: { clientId: 'id-1' }, secrets: { clientSecret: 'orig' } });
      const update = current.store.connections.update.bind(current.store.connections);
      let failNext = true;
      current.store.connections.update = (...args: Parameters<typeof update>) => {
        if (failNext) {
          failNext = false;
          throw new Error('SQLITE_BUSY: database is locked');
        }
        return update(...args);
      };
      const [first, second] = await Promise.all([
        call('connections.update', { id: 1, secrets: { clientSecret: 'A' } }),
        call('connections.update', { id: 1, secrets: { clientSecret: 'B' } }),
      ]);
      expect(first).toMatchObject({ ok: false });
      expect(second).toMatchObject({ ok: true });
      expect(secrets.values.get('connection/1/clientSecret')).toBe('B');
    });

    it('a create whose secret write fails leaves neither the connection nor any secret (an earlier field is put back: see above)', async () => {
      const secrets = new FlakySecretStore(1);
      await open(secrets);
      const failed = await call('connections.create', { kind: 'google', name: 'Google', config: { clientId: 'id-1' }, secrets: { clientSecret: 'cs-1' } });
      expect(failed).toMatchObject({ ok: false });
      expect(await snapshot(secrets)).toEqual({ secrets: new Map(), rows: [] });
    });
  });

  describe('only secrets something uses are collected', () => {
    it('a Google service account JSON is used now (issue 21), so one that is not a service account key is refused', async () => {
      const secrets = new MemorySecretStore();
      await open(secrets);
      const refused = await call('connections.create', { kind: 'google', name: 'Google', config: { clientId: 'id-1' }, secrets: { clientSecret: 'cs-1', serviceAccountJson: '{"a":1}' } });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'serviceAccountJson is not a service account key ("type": "service_account").' } });
      expect(await snapshot(secrets)).toEqual({ secrets: new Map(), rows: [] });
    });

    it('one stored by an older version is read again (service accounts), shown only as hasSecret, and goes with its connection', async () => {
      const secrets = new MemorySecretStore();
      const current = await open(secrets);
      await call('connections.create', { kind: 'google', name: 'Google', config: { clientId: 'id-1' }, secrets: { clientSecret: 'cs-1' } });
      // As an older version left it: the field listed on the row, the value in the keychain.
      await current.store.connections.update(1, { secretFields: ['clientSecret', 'serviceAccountJson'] }, new Date().toISOString());
      await secrets.set('connection/1/serviceAccountJson', '{"private_key":"old"}');

      const listed = await call('connections.list', {});
      expect(listed).toMatchObject({ ok: true, result: [{ secrets: { clientSecret: { hasSecret: true }, serviceAccountJson: { hasSecret: true } } }] });
      expect(JSON.stringify(listed)).not.toContain('old');
      const stored = await current.store.connections.get(1);
      expect((await current.connections.settings(stored as NonNullable<typeof stored>)).secrets).toEqual({ clientSecret: 'cs-1', serviceAccountJson: '{"private_key":"old"}' });
      expect(await call('connections.update', { id: 1, secrets: { clientSecret: 'cs-2' } })).toMatchObject({ ok: true });

      expect(await call('connections.delete', { id: 1 })).toMatchObject({ ok: true });
      expect(secrets.values.size).toBe(0);
    });
  });

  describe('PostgreSQL URLs carry no credentials', () => {
    const refused = [
      'postgres://app:pw@127.0.0.1:5432/app',
      'postgres://127.0.0.1/app?password=hunter2',
      'postgresql://127.0.0.1/app?sslmode=require&PassWord=hunter2',
      'postgres://127.0.0.1/app?pass%77ord=hunter2',
      'postgres://127.0.0.1/app?password=',
      'postgres://127.0.0.1/app?sslpassword=keypass',
      'postgres://127.0.0.1/app?sslkey=/etc/ssl/private/client.key',
      `postgres://127.0.0.1/app?sslcert=${encodeURIComponent('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')}`,
      `postgres://127.0.0.1/app?sslrootcert=${encodeURIComponent('-----BEGIN CERTIFICATE-----')}`,
      'postgres://127.0.0.1/app?passfile=/root/.pgpass',
    ];
    it.each(refused)('refuses %s with the userinfo rule’s message, and stores nothing', async (url) => {
      await open(new MemorySecretStore());
      const response = await call('connections.create', { kind: 'appdb', name: 'Product', config: { driver: 'postgres', url } });
      expect(response).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('leave the password out of the URL') } });
      expect(await (app as TestApp).store.connections.list()).toEqual([]);
    });

    it('refuses such a URL in an update too, and keeps the old one', async () => {
      await open(new MemorySecretStore());
      const url = 'postgres://app@127.0.0.1:5432/app?sslmode=require&application_name=syncwarden';
      expect(await call('connections.create', { kind: 'appdb', name: 'Product', config: { driver: 'postgres', url } })).toMatchObject({ ok: true });
      const response = await call('connections.update', { id: 1, config: { driver: 'postgres', url: `${url}&password=x` } });
      expect(response).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(JSON.stringify(await call('connections.list', {}))).not.toContain('password=x');
      expect((await (app as TestApp).store.connections.get(1))?.config.url).toBe(url);
    });

    it('accepts certificate paths and ordinary parameters', async () => {
      await open(new MemorySecretStore());
      const url = 'postgres://app@127.0.0.1/app?sslcert=/etc/ssl/client.crt&sslrootcert=/etc/ssl/ca.crt&connect_timeout=5';
      expect(await call('connections.create', { kind: 'appdb', name: 'Product', config: { driver: 'postgres', url } })).toMatchObject({ ok: true });
    });
  });

  describe('headless secrets (SYNCWARDEN_SECRETS=env)', () => {
    const byName = EnvSecretStore.variableFor('name/Files/appSecret');
    const config = () => ({ appKey: seed.app.key, baseUrl: dropbox.url });

    it('the variable is named after the connection', () => {
      expect(byName).toBe('SYNCWARDEN_SECRET_NAME_FILES_APPSECRET');
    });

    it('creates, tests and uses a connection whose secret is set in the environment beforehand', async () => {
      const current = await open(new EnvSecretStore({ [byName]: seed.app.secret }));
      const created = await call('connections.create', { kind: 'dropbox', name: 'Files', config: config() });
      expect(created).toMatchObject({ ok: true, result: { id: 1, secrets: { appSecret: { hasSecret: true } } } });
      expect(await call('connections.test', { id: 1 })).toMatchObject({ ok: true, result: { ok: true, status: 'ok' } });
      // What an engine gets when it uses the connection.
      const resources = createEngineResources({ store: current.store, connections: current.connections, engine: 'demo', runId: 0, trigger: 'manual', clock: current.clock });
      expect((await resources.connection('dropbox')).secrets).toEqual({ appSecret: seed.app.secret });
      await resources.dispose();
    });

    it('the id variable wins over the name variable (an existing setup keeps working)', async () => {
      await open(new EnvSecretStore({ [byName]: seed.app.secret, SYNCWARDEN_SECRET_CONNECTION_1_APPSECRET: 'wrong-secret' }));
      await call('connections.create', { kind: 'dropbox', name: 'Files', config: config() });
      expect(await call('connections.test', { id: 1 })).toMatchObject({ ok: true, result: { ok: false, status: 'bad-credentials' } });
    });

    it('without the variable: refused, naming the variable to set; with a value: refused, naming it too; nothing stored', async () => {
      await open(new EnvSecretStore({}));
      const missing = await call('connections.create', { kind: 'dropbox', name: 'Files', config: config() });
      expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining(byName) } });
      const valued = await call('connections.create', { kind: 'dropbox', name: 'Files', config: config(), secrets: { appSecret: 's' } });
      expect(valued).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/cannot be saved.*SYNCWARDEN_SECRET_NAME_FILES_APPSECRET/) } });
      expect(await (app as TestApp).store.connections.list()).toEqual([]);
    });

    it('an update (rename, config) works without values; a rename to a name without a variable is refused', async () => {
      await open(new EnvSecretStore({ [byName]: seed.app.secret, SYNCWARDEN_SECRET_NAME_DROPBOX_APPSECRET: seed.app.secret }));
      await call('connections.create', { kind: 'dropbox', name: 'Files', config: config() });
      expect(await call('connections.update', { id: 1, name: 'Dropbox' })).toMatchObject({ ok: true, result: { name: 'Dropbox', secrets: { appSecret: { hasSecret: true } } } });
      expect(await call('connections.update', { id: 1, name: 'Elsewhere' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('SYNCWARDEN_SECRET_NAME_ELSEWHERE_APPSECRET') } });
      expect((await (app as TestApp).store.connections.get(1))?.name).toBe('Dropbox');
      expect(await call('connections.delete', { id: 1 })).toMatchObject({ ok: true, result: { deleted: true } });
    });
  });
});
