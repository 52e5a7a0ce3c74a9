import type { SecretStore } from '../../core/secrets/secret-store';

/** For tests and the demo's throwaway workspaces only. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  readonly values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}
