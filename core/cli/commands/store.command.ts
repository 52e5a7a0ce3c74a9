import { Command } from 'commander';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SecretStoreUnavailable, type SecretStore } from '../../secrets/secret-store';
import { selectSecretStore } from '../../secrets/select-secret-store';
import { ensurePrivateDir, resolveDataDir } from '../../store/data-dir';
import { LATEST_SCHEMA_VERSION } from '../../store/migrations';
import { initPostgresStore, probePostgresStore } from '../../store/store-probe';
import { parseStoreLocation, resolveStoreLocation, storePassword, storePasswordKey, StoreLocationError, type StoreLocation } from '../../store/store-location';
import { STORE_FILE_NAME } from '../../store/store';
import type { GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { createOutput } from '../output';

/** `syncwarden store`: where the console store lives, and creating a team-mode store in PostgreSQL. */
export function storeCommand(globals: () => GlobalOptions): Command {
  const store = new Command('store').description('The console store: SQLite in the data dir, or PostgreSQL for team mode');
  store
    .command('init')
    .argument('<url>', 'postgres://user@host:5432/database (no password: it comes from PGPASSWORD or the keychain)')
    .description('Create the console store in an empty PostgreSQL database, or migrate it to this version; reports the schema version')
    .option('--remember-password', 'save $PGPASSWORD in this machine\'s keychain for this store, so consoles here find it')
    .action(async (url: string, opts: { rememberPassword?: boolean }) => {
      const out = createOutput(globals().json ?? false);
      await reportErrors(async () => {
        const location = parseStoreLocation(url);
        if (location.dialect !== 'postgres') throw new StoreLocationError('store init creates a PostgreSQL store: give a postgres:// URL (a data dir\'s SQLite store is created when first opened)');
        const dataDir = resolveDataDir({ flag: globals().dataDir });
        const secrets = secretStoreOrNone(dataDir);
        const password = await storePassword(location.url, secrets);
        const { before, version } = await initPostgresStore(location.url, password);
        if (opts.rememberPassword) {
          if (!process.env.PGPASSWORD) throw new StoreLocationError('--remember-password saves $PGPASSWORD: set it first');
          if (!secrets) throw new StoreLocationError('--remember-password needs the OS keychain, and none is available here');
          await secrets.set(storePasswordKey(location.url), process.env.PGPASSWORD);
        }
        out.print({ dialect: 'postgres', location: location.url, schemaVersionBefore: before, schemaVersion: version }, () =>
          before === version ? `The store at ${location.url} is ready (schema ${version}).` : `The store at ${location.url} is ready: schema ${before === 0 ? 'created' : `migrated from ${before}`} at ${version}.`,
        );
      });
    });
  store
    .command('status')
    .description('Where the console store is (and what chose it: SYNCWARDEN_STORE, the Settings choice or the data dir) and its schema version')
    .action(async () => {
      const out = createOutput(globals().json ?? false);
      await reportErrors(async () => {
        const dataDir = resolveDataDir({ flag: globals().dataDir });
        const store = globals().store;
        const { location, source } = resolveStoreLocation({ dataDir, ...(store ? { option: store } : {}) });
        const status = await statusOf(location, dataDir);
        out.print({ source, ...status }, () =>
          [`Store:   ${status.location} (${status.dialect}, from ${source})`, `Schema:  ${status.schemaVersion} (this version: ${status.latestVersion}; ${status.state})`].join('\n'),
        );
      });
    });
  return store;
}

async function statusOf(location: StoreLocation, dataDir: string) {
  if (location.dialect === 'postgres') return probePostgresStore(location.url, await storePassword(location.url, secretStoreOrNone(dataDir)));
  const file = join(location.dataDir, STORE_FILE_NAME);
  let version = 0;
  if (existsSync(file)) {
    const probe = new Database(file, { readonly: true, fileMustExist: true });
    try {
      version = probe.pragma('user_version', { simple: true }) as number;
    } finally {
      probe.close();
    }
  }
  const state = version === 0 ? 'empty' : version > LATEST_SCHEMA_VERSION ? 'too-new' : version < LATEST_SCHEMA_VERSION ? 'needs-migration' : 'ready';
  return { dialect: 'sqlite' as const, location: file, schemaVersion: version, latestVersion: LATEST_SCHEMA_VERSION, state };
}

/** No keychain on a headless machine is not an error here: PGPASSWORD (or no password) may do. */
function secretStoreOrNone(dataDir: string): SecretStore | undefined {
  // The data dir is checked as the app checks it before its files decide anything (the demo marker) or get written.
  ensurePrivateDir(dataDir);
  try {
    return selectSecretStore(process.env, dataDir);
  } catch (error) {
    if (error instanceof SecretStoreUnavailable) return undefined;
    throw error;
  }
}

async function reportErrors(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.stderr.write(`syncwarden: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof StoreLocationError ? EXIT.usage : EXIT.store;
  }
}
