import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Outside review (issue #16, headless env secrets): a create refused for a missing required secret tells the
 * admin to set `SYNCWARDEN_SECRET_CONNECTION_0_<FIELD>` "or" the name variable. The id variable of id 0 is never
 * read for the connection that gets made (ids start at 1): following that advice, the create is accepted
 * (the check looks the secret up under id 0), but the new connection has no secret (hasSecret: false, and
 * its engines/probes read nothing). Every variable a refusal names must work.
 */
describe('env secrets: the variables a refused create names are ones that work', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });
  const call = (method: string, input: unknown) => dispatch((app as TestApp).handlers, method, input, { actor: 'manual' });
  const create = { kind: 'supabase', name: 'sb', config: { url: 'http://127.0.0.1:9' } };

  it('setting each named variable gives a connection whose secret is set', async () => {
    app = await createTestApp({ secrets: new EnvSecretStore({}) });
    const refused = await call('connections.create', create);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const message = (refused as { error: { message: string } }).error.message;
    const named = [...message.matchAll(/SYNCWARDEN_SECRET_[A-Z0-9_]+/g)].map((m) => m[0]);
    expect(named.length).toBeGreaterThan(0);
    await app.dispose();
    app = undefined;

    const outcomes: Record<string, unknown> = {};
    for (const variable of named) {
      app = await createTestApp({ secrets: new EnvSecretStore({ [variable]: 'service-role-key' }) });
      const created = await call('connections.create', create);
      // Either refused outright, or made with its secret really there: never accepted and then secret-less.
      outcomes[variable] = created.ok ? (created.result as { secrets: { serviceRoleKey: { hasSecret: boolean } } }).secrets.serviceRoleKey.hasSecret : 'refused';
      await app.dispose();
      app = undefined;
    }
    expect(outcomes).toEqual(Object.fromEntries(named.map((variable) => [variable, true])));
  });

  it('a create accepted through the id-0 variable does not say hasSecret: false right after', async () => {
    app = await createTestApp({ secrets: new EnvSecretStore({ SYNCWARDEN_SECRET_CONNECTION_0_SERVICEROLEKEY: 'service-role-key' }) });
    const created = await call('connections.create', create);
    if (!created.ok) return; // refused: fine (the variable is not a way to set it)
    expect(created.result).toMatchObject({ secrets: { serviceRoleKey: { hasSecret: true } } });
  });
});
