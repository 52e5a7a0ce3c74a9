import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { NamespacedSecretStore } from '../../core/secrets/namespaced.secret-store';
import type { SecretStore } from '../../core/secrets/secret-store';
import { openStore } from '../../core/store/store';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

type TempDir = ReturnType<typeof makeTempDir>;

/** One machine's OS keychain, shared by every console store on it (what keytar gives each process). */
class SharedKeychain implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

const dropbox = (appSecret: string) => ({ kind: 'dropbox' as const, name: 'Dropbox', config: { appKey: 'key' }, secrets: { appSecret } });

describe('console stores sharing one OS keychain', () => {
  const opened: TestApp[] = [];
  const dirs: TempDir[] = [];
  afterEach(async () => {
    for (const app of opened.splice(0)) await app.close();
    for (const dir of dirs.splice(0)) dir.remove();
  });
  async function appOn(keychain: SecretStore, dir = makeTempDir()): Promise<TestApp> {
    dirs.push(dir);
    const app = await createTestApp({ dataDir: join(dir.path, 'console'), secrets: keychain });
    opened.push(app);
    return app;
  }

  it('a store tried with --data-dir never reads, overwrites or deletes the secrets of another store', async () => {
    const keychain = new SharedKeychain();
    const production = await appOn(keychain);
    const trial = await appOn(keychain);
    const mine = await production.connections.create(dropbox('production-secret'));
    const theirs = await trial.connections.create(dropbox('trial-secret'));
    expect(theirs.id).toBe(mine.id); // ids restart at 1 in every store: the keys alone would collide

    expect((await production.connections.settings((await production.store.connections.get(mine.id))!)).secrets.appSecret).toBe('production-secret');
    await trial.connections.delete(theirs.id);
    expect((await production.connections.settings((await production.store.connections.get(mine.id))!)).secrets.appSecret).toBe('production-secret');
    expect((await production.connections.list())[0]?.secrets.appSecret?.hasSecret).toBe(true);
  });

  it('a store made before namespaces moves its bare keys into its namespace, and a cleared secret never comes back', async () => {
    const keychain = new MemorySecretStore();
    await keychain.set('connection/1/appSecret', 'old-place');
    const legacy = new NamespacedSecretStore(keychain, 'ns-1', true);
    expect(await legacy.get('connection/1/appSecret')).toBe('old-place');
    expect(keychain.values.has('connection/1/appSecret')).toBe(false);
    expect(keychain.values.get('store/ns-1/connection/1/appSecret')).toBe('old-place');

    await keychain.set('connection/1/other', 'never-read');
    await legacy.delete('connection/1/other');
    expect(await legacy.get('connection/1/other')).toBeNull();

    const fresh = new NamespacedSecretStore(keychain, 'ns-2', false);
    await keychain.set('connection/7/appSecret', 'someone-elses');
    expect(await fresh.get('connection/7/appSecret')).toBeNull();
  });

  it('the namespace is made once per store, and a store that already had connections reads its bare keys', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const store = await openStore(join(dir.path, 'console'));
    try {
      const first = await store.settings.secretNamespace('2026-12-02T00:00:00.000Z');
      expect(first.legacy).toBe(false);
      expect(await store.settings.secretNamespace('2026-12-03T00:00:00.000Z')).toEqual(first);
      expect(Object.keys(await store.settings.get())).not.toContain('secretNamespace');
    } finally {
      await store.close();
    }
  });
});
