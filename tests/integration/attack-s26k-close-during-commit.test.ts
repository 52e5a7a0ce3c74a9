import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { usePostgres } from '../helpers/postgres';

/**
 * s26k (outside reviewer): a cancelled run's PostgreSQL adapter is closed CANCEL_GRACE_MS (2 s) after the
 * cancel (engine-resources.ts), and close() destroys the sockets of clients with a query in flight
 * (postgres.adapter.ts close()). A COMMIT that waits on the server (a deferred foreign key check of an identity
 * relink, blocked by the product app's row lock on the user) is such a query: transaction() rejects with
 * "Connection terminated" and the engine reports the repair as not applied, yet the server goes on and commits
 * it once the lock is free. The run says the rows did not move; they did (no audit, finding left open).
 * The adapter cannot know the outcome, but it says a plain failure instead of "outcome unknown".
 *
 * Fixed: close() first cancels the backend of every client in use (pg_cancel_backend from a short separate
 * connection) and lets it answer: the waiting COMMIT fails with 57014 and rolls back, and transaction() says so
 * (ProductDbClosedError). A COMMIT whose answer never comes (here: its query bound passes) says its outcome is
 * unknown (ProductDbCommitUnknownError), never that nothing was applied.
 */
describe('s26k: closing the product adapter mid-COMMIT', () => {
  const server = usePostgres();

  it('a transaction() that rejects after close() has not committed (or says its outcome is unknown)', { timeout: 60_000 }, async () => {
    const url = await server().createDatabase('s26k_commit');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await admin.query(`CREATE TABLE users (id text PRIMARY KEY);
        CREATE TABLE posts (id int PRIMARY KEY, user_id text REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED);
        INSERT INTO users VALUES ('old'), ('new'); INSERT INTO posts VALUES (1, 'old'), (2, 'old');`);
      // The product app holds the new user's row (an edit in progress).
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM users WHERE id = 'new' FOR UPDATE`);

      const db = openPostgresAppDb({ connectionString: url });
      const repair = db.transaction(async (tx) => {
        await tx.execute(`UPDATE posts SET user_id = ? WHERE user_id = ?`, ['new', 'old']);
        return 'moved';
      }).then((v) => ({ ok: true as const, v }), (error: unknown) => ({ ok: false as const, error: error as Error }));
      // The run is cancelled; 2 s later its adapter is closed (as engine-resources does).
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await db.close();
      const outcome = await repair;
      // The product app finishes its edit.
      await holder.query('COMMIT');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const moved = (await admin.query(`SELECT count(*)::int AS n FROM posts WHERE user_id = 'new'`)).rows[0].n as number;
      console.log(`transaction() ${outcome.ok ? 'resolved' : `rejected: ${outcome.error.message}`}; rows moved on the server: ${moved}`);
      expect(outcome.ok).toBe(false);
      expect({ moved, code: (outcome as { error: { code?: string } }).error.code }).toEqual({ moved: 0, code: 'product-db-closed' });
    } finally {
      await holder.end().catch(() => undefined);
      await admin.end().catch(() => undefined);
    }
  });

  it('a COMMIT that gets no answer within its bound says the change may have been applied', { timeout: 60_000 }, async () => {
    const url = await server().createDatabase('s26k_commit_unknown');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await admin.query(`CREATE TABLE users (id text PRIMARY KEY);
        CREATE TABLE posts (id int PRIMARY KEY, user_id text REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED);
        INSERT INTO users VALUES ('old'), ('new'); INSERT INTO posts VALUES (1, 'old');`);
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM users WHERE id = 'new' FOR UPDATE`);
      const db = openPostgresAppDb({ connectionString: url, queryTimeoutMs: 1_000 });
      const error = await db
        .transaction(async (tx) => tx.execute(`UPDATE posts SET user_id = ? WHERE user_id = ?`, ['new', 'old']))
        .then(() => undefined, (e: unknown) => e as Error & { code?: string });
      expect(error?.code).toBe('product-db-commit-unknown');
      expect(error?.message).toMatch(/may have applied this change; the next check will show it/);
      await holder.query('COMMIT');
      await db.close();
    } finally {
      await holder.end().catch(() => undefined);
      await admin.end().catch(() => undefined);
    }
  });
});
