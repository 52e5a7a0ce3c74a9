import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseAuthConnector, type SupabaseAuthConnectorOptions } from '../../core/connectors/supabase/supabase-auth.connector';
import { rateLimitFault, startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { connectorFailure } from '../helpers/connector-failure';

// Writes through the real supabase-js 2.109 against the GoTrue emulator (one per file).
const GRACE = '6f1c2e1a-1b8e-4c43-9a57-0d0c6f0a0002';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let emulator: SupabaseEmulator;
beforeAll(async () => {
  emulator = await startSupabaseEmulator();
});
afterAll(async () => emulator?.close());

function connect(options: Partial<SupabaseAuthConnectorOptions> = {}) {
  const sent = { count: 0 };
  const connector = createSupabaseAuthConnector({
    url: emulator.url,
    serviceRoleKey: emulator.serviceRoleKey,
    onRequest: () => sent.count++,
    ...options,
    policy: { initialDelayMs: 1, maxDelayMs: 20, ...options.policy },
  });
  return { connector, sent };
}

const stored = (email: string) => emulator.listUsers().filter((u) => u.email === email);

describe('writes', () => {
  it('create, read, update, soft delete and hard delete round-trip as plain users', async () => {
    const { connector } = connect();
    const created = await connector.createUser({
      email: 'New.Person@Example.com',
      emailConfirmed: true,
      userMetadata: { full_name: 'New Person', team: 'blue' },
      appMetadata: { plan: 'free' },
    });
    expect(created).toMatchObject({
      email: 'new.person@example.com',
      name: 'New Person',
      emailVerified: true,
      deleted: false,
      appMetadata: { provider: 'email', providers: ['email'], plan: 'free' },
    });
    expect(await connector.getUser(created.id)).toEqual(created);

    const updated = await connector.updateUser(created.id, { userMetadata: { full_name: 'Renamed', team: null }, appMetadata: { plan: null, seats: 3 } });
    expect(updated.name).toBe('Renamed');
    expect(updated.userMetadata).not.toHaveProperty('team');
    expect(updated.appMetadata).toEqual({ provider: 'email', providers: ['email'], seats: 3 });

    expect(await connector.deleteUser(created.id, { soft: true })).toBe('deleted');
    const soft = await connector.getUser(created.id);
    expect(soft).toMatchObject({ deleted: true, email: null, name: null, userMetadata: {}, appMetadata: {} });
    expect(emulator.getUser(created.id)?.email).not.toContain('@');

    expect(await connector.deleteUser(created.id, { soft: false })).toBe('deleted');
    expect(await connectorFailure(connector.getUser(created.id))).toMatchObject({ kind: 'not-found' });
    expect(emulator.getUser(created.id)).toBeUndefined();
  });

  it('deleting a user that is already gone is absent, so a repeated repair changes nothing', async () => {
    const { connector } = connect();
    expect(await connector.deleteUser(UNKNOWN, { soft: false })).toBe('absent');
    expect(await connector.deleteUser(UNKNOWN, { soft: true })).toBe('absent');
  });

  it('a duplicate email is invalid-request email_exists, not retried, and creates nothing', async () => {
    const { connector, sent } = connect();
    const error = await connectorFailure(connector.createUser({ email: 'ada@example.com' }));
    expect(error).toMatchObject({ kind: 'invalid-request', status: 422, reason: 'email_exists' });
    expect(sent.count).toBe(1);
    expect(stored('ada@example.com')).toHaveLength(1);
  });

  it('a 429 during a create ends in one user, with retries counted alike by the policy, onRequest and the emulator', async () => {
    emulator.fault(SUPABASE_ROUTES.create, rateLimitFault(2));
    const before = emulator.count(SUPABASE_ROUTES.create);
    const { connector, sent } = connect();
    const user = await connector.createUser({ email: 'throttled@example.com' });
    emulator.clearFaults();
    expect(user.email).toBe('throttled@example.com');
    expect(connector.policy.retries).toBe(2);
    expect(sent.count).toBe(3);
    expect(emulator.count(SUPABASE_ROUTES.create) - before).toBe(3);
    expect(stored('throttled@example.com')).toHaveLength(1);
  });

  it('a 429 during an update is retried after the Retry-After the service asked for', async () => {
    emulator.fault(SUPABASE_ROUTES.update, rateLimitFault(1, 0.3));
    const { connector } = connect({ policy: { maxDelayMs: 2000 } });
    const started = Date.now();
    await connector.updateUser(GRACE, { appMetadata: { retried: true } });
    emulator.clearFaults();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(connector.policy.retries).toBe(1);
  });

  it('the same update applied twice leaves the user as the first one did', async () => {
    const { connector } = connect();
    const patch = { emailConfirmed: true, userMetadata: { full_name: 'Grace B. Hopper', legacy: null }, appMetadata: { plan: 'team' } };
    const first = await connector.updateUser(GRACE, patch);
    const storedFirst = structuredClone(emulator.getUser(GRACE));
    const second = await connector.updateUser(GRACE, patch);
    expect({ ...second, updatedAt: null }).toEqual({ ...first, updatedAt: null });
    expect(first).toMatchObject({ name: 'Grace B. Hopper', emailVerified: true, appMetadata: { plan: 'team' } });
    // Only the timestamps GoTrue stamps on every write move.
    const strip = (u: typeof storedFirst) => ({ ...u, updated_at: null, email_confirmed_at: null, confirmed_at: null });
    expect(strip(emulator.getUser(GRACE))).toEqual(strip(storedFirst));
  });

  it('updating an unknown user is not-found; a malformed id is refused before sending', async () => {
    const { connector, sent } = connect();
    expect(await connectorFailure(connector.updateUser(UNKNOWN, { appMetadata: { x: 1 } }))).toMatchObject({ kind: 'not-found', reason: 'user_not_found' });
    expect(await connectorFailure(connector.deleteUser('42', { soft: false }))).toMatchObject({ kind: 'invalid-request' });
    expect(sent.count).toBe(1);
  });
});
