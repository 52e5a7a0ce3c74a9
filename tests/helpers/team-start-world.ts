import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { RunQueue } from '../../core/queue/run-queue';
import { startPgProxy, type PgProxy } from './pg-proxy';
import { PG_PASSWORD, usePostgres } from './postgres';
import { makeTempDir } from './temp-dir';

export interface TeamStartWorld {
  /** A CLI-host console whose team store is reached through `proxy` (the faults), with the demo engine. */
  app: Syncwarden;
  /** A direct connection to the same database, for looking behind the console's back. */
  db: pg.Client;
  proxy: PgProxy;
  /** The job queue on a direct connection, its demo engine's queue made. */
  queue: RunQueue;
}

/**
 * A team-mode start's world, for the tests of a start whose connection goes: a database `name` on the suite's
 * PostgreSQL, reached by the console through a pg-proxy. Made before the suite's tests, taken down after them.
 */
export function useTeamStartWorld(name: string): () => TeamStartWorld {
  const server = usePostgres();
  const dir = makeTempDir();
  let world: Partial<TeamStartWorld> = {};
  beforeAll(async () => {
    const url = await server().createDatabase(name);
    process.env.PGPASSWORD = PG_PASSWORD;
    world.proxy = await startPgProxy(server().port);
    world.app = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true, store: `postgres://postgres@127.0.0.1:${world.proxy.port}/${name}` });
    world.db = new pg.Client({ connectionString: url });
    await world.db.connect();
    world.queue = new RunQueue({ connectionString: url });
    await world.queue.start();
    await world.queue.ensureEngine('demo');
  }, 90_000);
  afterAll(async () => {
    await world.queue?.stop({ graceful: false, timeoutMs: 1000 });
    await world.db?.end();
    await world.app?.close();
    await world.proxy?.close();
    world = {};
    dir.remove();
  });
  return () => {
    const { app, db, proxy, queue } = world;
    if (!app || !db || !proxy || !queue) throw new Error('useTeamStartWorld() gives its world inside tests only');
    return { app, db, proxy, queue };
  };
}
