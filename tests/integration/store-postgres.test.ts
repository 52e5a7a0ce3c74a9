import { afterEach, beforeAll } from 'vitest';
import { openStore, type Store } from '../../core/store/store';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { storeSuite } from './store-suite';

const server = usePostgres();
let url = '';
const opened: Store[] = [];

beforeAll(async () => {
  await server().createDatabase('store_suite');
  url = `postgres://postgres@127.0.0.1:${server().port}/store_suite`;
  const first = await openStore(url, { password: PG_PASSWORD });
  await first.close();
}, 120_000);
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});

const TABLES = 'runs, run_events, findings, audit_log, settings, connections, engine_state, sheet_sources, schedules, schedule_firings, run_items, run_item_counts';

storeSuite({
  dialect: 'postgres',
  async fresh() {
    const store = await openStore(url, { password: PG_PASSWORD });
    opened.push(store);
    await store.db.exec(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    return store;
  },
  // Another pool, as another machine's console or worker would have.
  async twin() {
    return openStore(url, { password: PG_PASSWORD });
  },
});
