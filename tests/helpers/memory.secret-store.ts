import type { SecretStore } from '../../core/secrets/secret-store';

/**
 * A test double: secrets in a Map, for tests and benchmarks. It lives under
 * tests/ so no shipped module can pick it (tests/unit/test-doubles.test.ts);
 * the shipped stores are keytar, env and the demo's file store.
 */
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
