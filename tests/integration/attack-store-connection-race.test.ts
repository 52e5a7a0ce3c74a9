import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { storePasswordKey } from '../../core/store/store-location';
import { MemorySecretStore } from '../helpers/memory.secret-store';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Two consoles on one team store (two machines) create a connection of the same name at the same moment. Each
 * console checks the name first, but only within its own process: the store's UNIQUE name decides, and the
 * loser must hear `conflict` (as when the name was taken before), not an internal error.
 */
const server = usePostgres();
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.dispose();
});

async function consoleOn(url: string): Promise<TestApp> {
  const secrets = new MemorySecretStore();
  await secrets.set(storePasswordKey(url), PG_PASSWORD);
  const app = await createTestApp({ store: url, secrets });
  apps.push(app);
  return app;
}

describe('attack: two machines create the same connection name at once', () => {
  it('one is created, every other is told the name is taken (conflict), none internal', async () => {
    const url = `postgres://postgres@127.0.0.1:${server().port}/${(await server().createDatabase('conn_race')).split('/').pop()}`;
    const [a, b] = [await consoleOn(url), await consoleOn(url)];
    for (let round = 0; round < 5; round++) {
      const input = { kind: 'appdb', name: `Product ${round}`, config: { driver: 'sqlite', path: '/tmp/none.db' } };
      const answers = await Promise.all([a, b, a, b].map((app) => dispatch(app.handlers, 'connections.create', input, { actor: 'manual' })));
      expect(answers.filter((r) => r.ok)).toHaveLength(1);
      for (const answer of answers.filter((r) => !r.ok)) expect(answer).toMatchObject({ ok: false, error: { code: 'conflict' } });
    }
  }, 60_000);
});
