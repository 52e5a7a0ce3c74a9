import { join } from 'node:path';
import { ApiError } from '../api/errors';
import type { StoreSwitchResult } from '../api/store';
import type { HandlerTable } from '../engines/engine-policies';
import type { SecretStore } from '../secrets/secret-store';
import { LATEST_SCHEMA_VERSION } from '../store/migrations';
import { probePostgresStore, StoreConnectError } from '../store/store-probe';
import {
  describeStoreLocation,
  parseStoreLocation,
  readStorePointer,
  STORE_ENV,
  StoreLocationError,
  storePassword,
  storePasswordKey,
  writeStorePointer,
  type StoreLocation,
  type StoreLocationSource,
} from '../store/store-location';
import { STORE_FILE_NAME } from '../store/store';

export interface StoreHandlerDeps {
  dataDir: string;
  /** The store this console opened, and what chose it. */
  opened: { location: StoreLocation; source: StoreLocationSource };
  schemaVersion: () => number | Promise<number>;
  /** The keychain, or undefined where there is none (a headless server: PGPASSWORD then). */
  secrets: SecretStore | undefined;
  env?: NodeJS.ProcessEnv;
}

/**
 * store.info and store.switch. A console cannot move its open store under running work, so
 * switch only checks the target (it connects, and reads its schema version without changing
 * anything) and saves it as this machine's choice; the next start opens it.
 */
export function createStoreHandlers(deps: StoreHandlerDeps): Pick<HandlerTable, 'store.info' | 'store.switch'> {
  const env = deps.env ?? process.env;
  return {
    'store.info': async () => {
      const saved = safePointer(deps.dataDir);
      return {
        dialect: deps.opened.location.dialect,
        location: deps.opened.location.dialect === 'sqlite' ? join(deps.opened.location.dataDir, STORE_FILE_NAME) : deps.opened.location.url,
        source: deps.opened.source,
        schemaVersion: await deps.schemaVersion(),
        latestVersion: LATEST_SCHEMA_VERSION,
        saved: saved && describeStoreLocation(saved),
      };
    },
    'store.switch': async ({ location, password }): Promise<StoreSwitchResult> => {
      const overriddenBy = deps.opened.source === 'option' ? 'option' : env[STORE_ENV]?.trim() ? 'environment' : null;
      if (location === null) {
        // Not opened here (Electron's SQLite binding belongs to the store module): it is checked and migrated at the next start.
        writeStorePointer(deps.dataDir, null);
        const current = deps.opened.location.dialect === 'sqlite' ? await deps.schemaVersion() : null;
        return { dialect: 'sqlite', location: join(deps.dataDir, STORE_FILE_NAME), schemaVersion: current, state: current === null ? null : stateOf(current), restartRequired: true, overriddenBy };
      }
      let target: StoreLocation;
      try {
        target = parseStoreLocation(location, deps.dataDir);
      } catch (error) {
        throw new ApiError('invalid-input', (error as Error).message);
      }
      if (target.dialect !== 'postgres') {
        throw new ApiError('invalid-input', "Give a postgres:// URL, or choose this data directory's own store.");
      }
      if (password !== undefined && !deps.secrets) {
        throw new ApiError('unavailable', 'No OS keychain on this machine to keep the store password: start Syncwarden with PGPASSWORD set instead.');
      }
      const secret = password ?? (await storePassword(target.url, deps.secrets, env));
      let probe;
      try {
        probe = await probePostgresStore(target.url, secret);
      } catch (error) {
        if (error instanceof StoreConnectError || error instanceof StoreLocationError) throw new ApiError('unavailable', error.message);
        throw new ApiError('unavailable', `Could not open the PostgreSQL store at ${target.url}: ${(error as Error).message}`);
      }
      if (probe.state === 'too-new') {
        throw new ApiError('conflict', `The store at ${target.url} was written by a newer Syncwarden (schema ${probe.schemaVersion}; this version understands up to ${probe.latestVersion}). Update Syncwarden first. Nothing was changed.`);
      }
      // Saved only once it connected: a wrong password never replaces a good one.
      if (password !== undefined) await deps.secrets!.set(storePasswordKey(target.url), password);
      writeStorePointer(deps.dataDir, target);
      return { dialect: 'postgres', location: target.url, schemaVersion: probe.schemaVersion, state: probe.state, restartRequired: true, overriddenBy };
    },
  };
}

function stateOf(version: number): 'empty' | 'needs-migration' | 'ready' {
  return version === 0 ? 'empty' : version < LATEST_SCHEMA_VERSION ? 'needs-migration' : 'ready';
}

/** A broken pointer file must not break store.info: the console shows no saved choice. */
function safePointer(dataDir: string): StoreLocation | null {
  try {
    return readStorePointer(dataDir);
  } catch {
    return null;
  }
}
