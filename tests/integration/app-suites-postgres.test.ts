import { afterAll, beforeAll } from 'vitest';
import { TEST_STORE_PG_ENV } from '../helpers/test-app';
import { usePostgres } from '../helpers/postgres';

/**
 * App-level suites written for a console on SQLite, replayed with every test app on a fresh PostgreSQL store
 * (createTestApp reads SYNCWARDEN_TEST_STORE_PG): runs, leases and recovery, run items, schedules, the
 * handler table and the engine framework, through the same repositories on the other dialect.
 */
const server = usePostgres();
beforeAll(() => {
  process.env[TEST_STORE_PG_ENV] = server().url();
});
afterAll(() => {
  delete process.env[TEST_STORE_PG_ENV];
});

await import('../unit/runs.test');
await import('../unit/run-items.test');
await import('../unit/run-manager-results.test');
await import('../unit/schedule-policy.test');
await import('../unit/scheduler-app.test');
await import('../unit/engine-framework.test');
await import('../unit/handler-table.test');
await import('../unit/dispatch-outputs.test');
