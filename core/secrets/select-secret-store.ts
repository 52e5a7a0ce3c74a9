import { EnvSecretStore } from './env.secret-store';
import { KeytarSecretStore } from './keytar.secret-store';
import type { SecretStore } from './secret-store';

/** The one place that decides where secrets live: the OS keychain unless SYNCWARDEN_SECRETS=env is set. */
export function selectSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  const choice = env.SYNCWARDEN_SECRETS ?? 'keychain';
  if (choice === 'env') return new EnvSecretStore(env);
  if (choice === 'keychain') return new KeytarSecretStore();
  throw new Error(`SYNCWARDEN_SECRETS must be "keychain" (the default) or "env", not "${choice}".`);
}
