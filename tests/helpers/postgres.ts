import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from './postgres-server';

export { PG_BIN, PG_PASSWORD, startPostgres, type TestPostgres } from './postgres-server';

/**
 * One throwaway cluster for a whole test file: started before its first test, stopped after its last.
 * Returns the running server (call it inside tests and hooks, not at import time).
 */
export function usePostgres(): () => TestPostgres {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => server?.stop());
  return () => {
    if (!server) throw new Error('PostgreSQL is not started: usePostgres() gives the server inside tests and hooks only');
    return server;
  };
}
