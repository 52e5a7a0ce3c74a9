import type { SecretStore } from './secret-store';

/**
 * The explicit opt-in for headless servers (SYNCWARDEN_SECRETS=env): secrets
 * are read from environment variables and never written anywhere. The
 * variable of `connection/3/apiSecret` is SYNCWARDEN_SECRET_CONNECTION_3_APISECRET.
 */
export class EnvSecretStore implements SecretStore {
  readonly kind = 'env' as const;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  static variableFor(key: string): string {
    return `SYNCWARDEN_SECRET_${key.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
  }

  async get(key: string): Promise<string | null> {
    return this.env[EnvSecretStore.variableFor(key)] ?? null;
  }

  /** Synchronous presence check (connections.list reports hasSecret from the environment). An empty variable is not a secret. */
  has(key: string): boolean {
    return (this.env[EnvSecretStore.variableFor(key)] ?? '') !== '';
  }

  async set(key: string): Promise<void> {
    throw new Error(`Secrets come from the environment (SYNCWARDEN_SECRETS=env): set ${EnvSecretStore.variableFor(key)} and restart Syncwarden.`);
  }

  async delete(): Promise<void> {
    // Nothing stored: removing the connection is enough; the variable can stay or go.
  }
}
