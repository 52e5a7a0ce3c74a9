import type { SecretStore } from './secret-store';

/**
 * One OS keychain serves every console store on the machine (the desktop app's, a `--data-dir` tried from
 * the CLI, a test's), and connection ids restart at 1 in each. Keys are therefore prefixed with the store's
 * own namespace (a random id kept in the store), so `syncwarden --data-dir /tmp/try connections rm 1`
 * can never read, overwrite or delete another store's secrets.
 *
 * Stores made before namespaces kept their secrets under the bare key. Such a store (`readLegacy`) moves a
 * bare key into its namespace the first time it reads it, and every write or delete also removes the bare
 * key, so a secret that was cleared can never come back from the old place.
 */
export class NamespacedSecretStore implements SecretStore {
  readonly kind: SecretStore['kind'];

  constructor(
    private readonly inner: SecretStore,
    private readonly namespace: string,
    private readonly readLegacy: boolean,
  ) {
    this.kind = inner.kind;
  }

  async get(key: string): Promise<string | null> {
    const value = await this.inner.get(this.keyOf(key));
    if (value !== null || !this.readLegacy) return value;
    const legacy = await this.inner.get(key);
    if (legacy === null) return null;
    await this.inner.set(this.keyOf(key), legacy);
    await this.inner.delete(key);
    return legacy;
  }

  async set(key: string, value: string): Promise<void> {
    await this.inner.set(this.keyOf(key), value);
    if (this.readLegacy) await this.inner.delete(key);
  }

  async delete(key: string): Promise<void> {
    await this.inner.delete(this.keyOf(key));
    if (this.readLegacy) await this.inner.delete(key);
  }

  private keyOf(key: string): string {
    return `store/${this.namespace}/${key}`;
  }
}
