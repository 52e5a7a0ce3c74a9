import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { startTeamMode } from '../../core/queue/team-mode';
import { RunQueue } from '../../core/queue/run-queue';
import { PostgresStoreDb } from '../../core/store/postgres-store-db';
import { storePasswordKey } from '../../core/store/store-location';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Attack s14 (run-queue.ts's config, where the guarded Client was added): RunQueue takes the store's password
 * "when it is not in PGPASSWORD (a desktop console's keychain)" and hands it to pg-boss's pool and to its reads pool
 * as a separate `password` next to a `connectionString` without one. node-postgres lets the connection string's
 * fields win (pg-connection-string sets password '' for a URL without one), so that password is dropped: the
 * store's own pool knows this and puts it into the URL (postgres-store-db.ts withPassword); the queue does not.
 * A console whose store password lives in the keychain opens its store, but its queue cannot log in: every start
 * in team mode fails.
 */
const server = usePostgres();
let url = '';
const dirs: Array<ReturnType<typeof makeTempDir>> = [];
const apps: Syncwarden[] = [];

beforeAll(async () => {
  const admin = new URL(await server().createDatabase('attack_s14_queue_password'));
  admin.password = '';
  url = admin.toString();
}, 60_000);

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) dir.remove();
  vi.unstubAllEnvs();
});

describe('attack s14: the job queue with the store password from the keychain (not PGPASSWORD)', () => {
  it('held: the console store logs in with the separate password', async () => {
    vi.stubEnv('PGPASSWORD', '');
    const db = new PostgresStoreDb({ connectionString: url, password: PG_PASSWORD, maxConnections: 1 });
    try {
      expect(await db.all('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('RunQueue: pg-boss and the reads pool log in with the password they were given', async () => {
    vi.stubEnv('PGPASSWORD', '');
    const queue = new RunQueue({ connectionString: url, password: PG_PASSWORD, onError: () => undefined });
    try {
      await expect(queue.reads.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
      await expect(queue.start()).resolves.toBeUndefined();
    } finally {
      await queue.stop({ graceful: false, timeoutMs: 2_000 }).catch(() => undefined);
    }
  }, 30_000);

  it('a console in team mode whose store password is in the keychain can start a run', async () => {
    vi.stubEnv('PGPASSWORD', '');
    const dir = makeTempDir();
    dirs.push(dir);
    const secrets = new MemorySecretStore();
    await secrets.set(storePasswordKey(url), PG_PASSWORD);
    const app = await createSyncwarden({
      dataDir: dir.path,
      host: 'cli',
      withDemoEngine: true,
      secrets,
      store: url,
      teamMode: ({ url: teamUrl, password, store, log }) => startTeamMode({ url: teamUrl, ...(password === undefined ? {} : { password }), db: store.db, log }),
    });
    apps.push(app);
    const started = await app.runs.start('demo', { items: 1, scope: 'keychain' }, 'manual').then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }),
    );
    expect(started.ok ? 'started' : started.error).toBe('started');
  }, 30_000);
});
