import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresAppDb, ProductDbNoAnswerError } from '../../core/appdb/postgres.adapter';
import { AUTH_OK, READY_FOR_QUERY, startPgWireServer } from '../helpers/pg-wire';

/**
 * A product PostgreSQL that completes the handshake and then never answers (PgBouncer waiting for a server
 * connection, a path dropped without a reset): no query may wait on it for ever (issue #16, s26i).
 */
describe('a product PostgreSQL that stopped answering', () => {
  const open = new Set<Socket>();
  let server: Awaited<ReturnType<typeof startPgWireServer>> | undefined;
  const silent = async () => {
    server = await startPgWireServer((socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.write(Buffer.concat([AUTH_OK, READY_FOR_QUERY]));
    });
    return `postgres://app@127.0.0.1:${server.port}/app`;
  };
  const closed = async () => {
    for (let waited = 0; open.size > 0 && waited < 2_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return open.size === 0;
  };
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a query past its bound fails naming the product database, and its connection is closed', async () => {
    const db = openPostgresAppDb({ connectionString: await silent(), queryTimeoutMs: 300 });
    try {
      const failed = await db.query('SELECT 1').catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(ProductDbNoAnswerError);
      expect((failed as Error).message).toMatch(/^The product database \(PostgreSQL\) did not answer a query within 300 ms/);
      expect(await closed()).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('a transaction whose statement gets no answer fails without a ROLLBACK that would wait as long again, its client destroyed', async () => {
    const db = openPostgresAppDb({ connectionString: await silent(), queryTimeoutMs: 300 });
    try {
      const started = Date.now();
      await expect(db.transaction((tx) => tx.execute('UPDATE t SET a = 1'))).rejects.toBeInstanceOf(ProductDbNoAnswerError);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await closed()).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('close() lets go of a query in flight: the query fails and close resolves', async () => {
    const db = openPostgresAppDb({ connectionString: await silent() });
    const pending = db.query('SELECT 1').catch((error: unknown) => error);
    while (open.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await db.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(await closed()).toBe(true);
  });
});
