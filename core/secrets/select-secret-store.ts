import { DemoFileSecretStore, isDemoDataDir } from './demo-file.secret-store';
import { EnvSecretStore } from './env.secret-store';
import { KeytarSecretStore } from './keytar.secret-store';
import type { SecretStore } from './secret-store';

/**
 * The one place that decides where secrets live: SYNCWARDEN_SECRETS when set ("keychain" or "env"); else the
 * demo's file store for a data dir the demo marked as its own (see demo-file.secret-store.ts); else the OS keychain.
 */
export function selectSecretStore(env: NodeJS.ProcessEnv = process.env, dataDir?: string): SecretStore {
  const choice = env.SYNCWARDEN_SECRETS;
  if (choice === 'env') return new EnvSecretStore(env);
  if (choice === 'keychain') return new KeytarSecretStore();
  if (choice !== undefined && choice !== '') throw new Error(`SYNCWARDEN_SECRETS must be "keychain" (the default) or "env", not "${choice}".`);
  if (dataDir !== undefined && isDemoDataDir(dataDir)) return new DemoFileSecretStore(dataDir);
  return new KeytarSecretStore();
}
