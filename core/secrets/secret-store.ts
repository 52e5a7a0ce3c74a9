/**
 * Where secrets live (OAuth client secrets, API secrets, DB passwords): behind
 * this port, chosen in one place (select-secret-store.ts). Secrets never go
 * to SQLite, logs or the renderer; callers only learn whether one is set.
 */
export interface SecretStore {
  readonly kind: 'keychain' | 'env' | 'memory' | 'demo-file';
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** No usable keychain: say why and what to do, never fall back silently. */
export class SecretStoreUnavailable extends Error {
  readonly code = 'secret-store-unavailable';

  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      `No OS keychain is available to keep Syncwarden's secrets (${reason}). ` +
        'On a desktop, install and unlock a Secret Service (GNOME Keyring or KWallet) on Linux, or use the macOS Keychain / Windows Credential Manager. ' +
        'On a headless server, start Syncwarden with SYNCWARDEN_SECRETS=env and give each secret as an environment variable (see docs/secrets.md).',
      options,
    );
    this.name = 'SecretStoreUnavailable';
  }
}

/** The key of one secret field of one connection. */
export function connectionSecretKey(connectionId: number, field: string): string {
  return `connection/${connectionId}/${field}`;
}

/** Env mode only: the key of a secret by connection name (its variable can be set before the connection exists). */
export function connectionNameSecretKey(connectionName: string, field: string): string {
  return `name/${connectionName}/${field}`;
}
