import pg from 'pg';
import { createSyncwarden, type Syncwarden, type SyncwardenOptions } from '../../core/app/app';
import { storePasswordKey } from '../../core/store/store-location';
import { MemorySecretStore } from './memory.secret-store';
import { makeTempDir } from './temp-dir';

/**
 * Set by tests/integration/app-suites-postgres.test.ts (a postgres:// admin URL with its password): every
 * test app then gets a fresh PostgreSQL store instead of the data dir's SQLite one, so the same app-level
 * suites run on both dialects. Explicitly not team mode: no `teamMode` is passed, so runs execute in the test's
 * process on the PostgreSQL store (what these suites test); the queued path has its own tests with real
 * worker processes (team-mode.postgres.test.ts, worker-cli.postgres.test.ts).
 */
export const TEST_STORE_PG_ENV = 'SYNCWARDEN_TEST_STORE_PG';
let databases = 0;
/** A test that reopens an app on its data dir gets the same store back, as it would with SQLite. */
const storeOfDataDir = new Map<string, string>();

async function freshPostgresStore(adminUrl: string, secrets: MemorySecretStore): Promise<string> {
  const name = `app_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  url.pathname = `/${name}`;
  // The password where a console finds it: the machine's secret store, never the URL.
  await secrets.set(storePasswordKey(url.toString()), password);
  return url.toString();
}

export interface TestApp extends Syncwarden {
  dispose(): Promise<void>;
}

/** A real app (store, runs, demo engine) in a throwaway data directory. */
export async function createTestApp(options: Partial<SyncwardenOptions> = {}): Promise<TestApp> {
  const dir = options.dataDir ? undefined : makeTempDir();
  const secrets = new MemorySecretStore();
  const adminUrl = process.env[TEST_STORE_PG_ENV];
  const dataDir = dir?.path ?? (options.dataDir as string);
  let store = {};
  if (adminUrl && options.store === undefined && options.secrets === undefined) {
    const known = storeOfDataDir.get(dataDir);
    const url = known ?? (await freshPostgresStore(adminUrl, secrets));
    if (known) await secrets.set(storePasswordKey(url), decodeURIComponent(new URL(adminUrl).password));
    storeOfDataDir.set(dataDir, url);
    store = { store: url };
  }
  const app = await createSyncwarden({ dataDir, host: 'browser', withDemoEngine: true, secrets, ...store, ...options });
  return Object.assign(app, {
    async dispose() {
      await app.close();
      dir?.remove();
    },
  });
}
