import pg from 'pg';
import { expect, it } from 'vitest';
import type { TeamStatusSource } from '../../core/team/team-status';
import { createSyncwarden } from '../../core/app/app';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * An app whose opening fails after its store and its team queue are open (a store connection lost mid-open, as the
 * chaos test does) closes both again. CI of session 15: a CLI that gave up left its team queue polling, and the
 * queue's next connection error was logged into the CLI's closed log file, an uncaught 'SonicBoom destroyed'.
 */
const server = usePostgres();

it('a step that fails after the team queue started closes the queue and the store again', async () => {
  const url = await server().createDatabase('open_fail');
  process.env.PGPASSWORD = PG_PASSWORD;
  const dir = makeTempDir();
  let queueClosed = 0;
  try {
    const opening = createSyncwarden({
      dataDir: dir.path,
      host: 'cli',
      store: `postgres://postgres@127.0.0.1:${server().port}/open_fail`,
      // The first step after the team queue that reads the clock (the purge of resolved findings) fails.
      clock: {
        now: () => {
          throw new Error('the clock broke mid-open');
        },
      },
      teamMode: async () => ({ teamQueue: async () => undefined, team: {} as TeamStatusSource, close: async () => void queueClosed++ }),
    });
    await expect(opening).rejects.toThrow(/the clock broke mid-open/);
    expect(queueClosed).toBe(1);
    // The store's pool is closed: no session of this app is left on the server (bounded wait for the backends to go).
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      let left = -1;
      for (let waited = 0; waited < 5_000; waited += 50) {
        left = (await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'syncwarden' AND datname = 'open_fail'`)).rows[0].n as number;
        if (left === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(left).toBe(0);
    } finally {
      await admin.end();
    }
  } finally {
    dir.remove();
  }
});
