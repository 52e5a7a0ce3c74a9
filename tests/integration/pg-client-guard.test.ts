import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { guardedClient } from '../../core/base/pg-driver';
import { RunQueue } from '../../core/queue/run-queue';
import { PostgresStoreDb } from '../../core/store/postgres-store-db';
import { runScheduleTick } from '../../core/team/install-tick';
import { AUTH_OK, fatalTerminating, READY_FOR_QUERY, startPgWireServer } from '../helpers/pg-wire';

/*
 * A backend terminated just after its startup (pg_terminate_backend aimed at the store's sessions, a restart) can
 * send ReadyForQuery and FATAL 57P01 in one packet. The client is handed out by pg-pool on the first, and says the
 * second as an 'error' event before `await pool.connect()` has resumed: pg-pool has taken its own listener off a
 * checked-out client, so nothing listened and the process crashed (CI, session 13, twice under load). A plain
 * Client has the same gap after `await client.connect()`. Every client now has a listener for its whole life
 * (core/base/pg-driver.ts guardedClient).
 */
let server: Awaited<ReturnType<typeof startPgWireServer>>;
const uncaught: unknown[] = [];
const record = (error: unknown) => void uncaught.push(error);

beforeEach(async () => {
  uncaught.length = 0;
  process.on('uncaughtException', record);
  server = await startPgWireServer((socket) => socket.write(Buffer.concat([AUTH_OK, READY_FOR_QUERY, fatalTerminating()])));
});
afterEach(async () => {
  process.off('uncaughtException', record);
  await server.close();
});

const url = () => `postgres://postgres@127.0.0.1:${server.port}/any`;

describe('a pooled connection killed in the packet that ended its startup', () => {
  it('the console store: a transaction and a read fail as a lost connection, the process goes on, and the pool drops the client', async () => {
    const db = new PostgresStoreDb({ connectionString: url(), password: 'x', maxConnections: 2 });
    try {
      for (let i = 0; i < 5; i++) {
        await expect(db.transaction(async (tx) => tx.all('SELECT 1'))).rejects.toThrow(/terminating connection|not queryable|Connection terminated/);
        await expect(db.all('SELECT 1')).rejects.toThrow(/terminating connection|not queryable|Connection terminated/);
      }
    } finally {
      await db.close();
    }
    expect(uncaught).toEqual([]);
  });

  it('a PostgreSQL product database: a transaction fails, the process goes on', async () => {
    const appDb = openPostgresAppDb({ connectionString: url(), password: 'x', maxConnections: 2 });
    try {
      for (let i = 0; i < 5; i++) {
        await expect(appDb.transaction(async (tx) => tx.query('SELECT 1'))).rejects.toThrow(/terminating connection|not queryable|Connection terminated/);
        await expect(appDb.executeMany('SELECT $1', [[1]])).rejects.toThrow(/terminating connection|not queryable|Connection terminated/);
      }
    } finally {
      await appDb.close();
    }
    expect(uncaught).toEqual([]);
  });

  it('a schedule tick by hand (a plain client): it fails as a lost connection, the process goes on', async () => {
    for (let i = 0; i < 5; i++) await expect(runScheduleTick(url())).rejects.toThrow(/terminating connection|not queryable|Connection terminated/);
    expect(uncaught).toEqual([]);
  });

  it('the job queue (pg-boss, given the guarded client for its pool): its start fails, the process goes on', async () => {
    // pg-boss's pool is its own: what proves it got the guarded client is that its connections were made with it.
    const connects = vi.spyOn(guardedClient().prototype, 'connect');
    const queue = new RunQueue({ connectionString: url() });
    await expect(queue.start()).rejects.toThrow();
    await queue.reads.end();
    expect(connects).toHaveBeenCalled();
    connects.mockRestore();
    expect(uncaught).toEqual([]);
  });
});
