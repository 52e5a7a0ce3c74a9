import type { AppInfo } from '@core/api';
import { useAppInfo } from '../../hooks/useAppInfo';

type StoreKind = NonNullable<AppInfo['secretStore']>;

/** Where the secrets of this console are kept, in words the UI can put after "kept in" / "go to" / "deleted from". */
const WHERE: Record<StoreKind, string> = {
  keychain: 'the OS keychain',
  'demo-file': "the demo's secrets file (demo-secrets.json, readable only by you, in the demo's data folder)",
  env: "Syncwarden's environment",
  memory: "this session's memory",
};

/**
 * The UI's words about secrets must be true to the store in use (app.info.secretStore): the demo keeps its
 * made-up secrets in a file, a server in its environment, and only a desktop in the OS keychain. An app.info
 * without the field (an older core) is a keychain one.
 */
export function secretStoreWhere(kind: AppInfo['secretStore']): string {
  return WHERE[kind ?? 'keychain'];
}

export function useSecretStoreWhere(): string {
  return secretStoreWhere(useAppInfo().data?.secretStore);
}
