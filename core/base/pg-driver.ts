import type pg from 'pg';
import { lazyModule } from './lazy-module';

/** The pg driver, required on first use (lazy-module.ts): only PostgreSQL product databases and team mode need it. */
export const loadPg = lazyModule<typeof pg>('pg');

/**
 * The connection string with `password` in it (in memory only: the location shown and stored never has it).
 * node-postgres lets a connection string's fields override the config's, and reads a URL without a password as
 * password '', so a separate `password` beside such a URL is dropped.
 */
export function withPassword(connectionString: string, password: string | undefined): string {
  if (password === undefined) return connectionString;
  const url = new URL(connectionString);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/** What each guarded client heard: the first 'error' it emitted (its connection went). */
const heard = new WeakMap<pg.ClientBase, Error>();
let guarded: typeof pg.Client | undefined;

/**
 * pg's Client with an 'error' listener from birth; every Client and Pool here is made with it (pools through
 * their `Client` option, pg-boss's too). An 'error' with nothing listening is an uncaught exception that takes
 * the process down, and pg leaves gaps with nothing listening: pg-pool takes its own listener off a client while
 * it is checked out, and `await pool.connect()` or `await client.connect()` resumes only after the socket event
 * that finished the startup. A backend terminated just then (pg_terminate_backend, a restart) sends ReadyForQuery
 * and FATAL 57P01 in one packet, and the client says the second as an 'error' inside that gap. What the listener
 * heard stays readable (connectionLost) so the client is destroyed rather than reused.
 */
export function guardedClient(): typeof pg.Client {
  guarded ??= class GuardedClient extends loadPg().Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      this.on('error', (error: Error) => {
        if (!heard.has(this)) heard.set(this, error);
      });
    }
  };
  return guarded;
}

/** The first error a guarded client heard (its connection went), if any. */
function connectionLost(client: pg.ClientBase): Error | undefined {
  return heard.get(client);
}

/**
 * Runs `work` on one client of a pool of guarded clients and releases it on every path: destroyed, not reused,
 * when its connection went (it heard an 'error') or when `work` called `discard`.
 */
export async function withPooledClient<T>(pool: pg.Pool, work: (client: pg.PoolClient, discard: (reason: unknown) => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const discard = (reason: unknown) => {
    broken ??= reason instanceof Error ? reason : new Error(String(reason));
  };
  try {
    return await work(client, discard);
  } finally {
    client.release(broken ?? connectionLost(client) ?? false);
  }
}
