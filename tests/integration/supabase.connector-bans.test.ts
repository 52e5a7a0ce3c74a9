import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseAuthConnector } from '../../core/connectors/supabase/supabase-auth.connector';
import { BAN_FOR_GOOD } from '../../core/connectors/supabase/supabase-user';
import { gotrueFault, startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { connectorFailure } from '../helpers/connector-failure';

// Bans and GoTrue's own error messages through the real supabase-js against the GoTrue emulator.
let emulator: SupabaseEmulator;
beforeAll(async () => {
  emulator = await startSupabaseEmulator({ serviceRoleKey: 'service-key', anonKey: 'anon-key', users: [] });
});
afterAll(async () => emulator?.close());

const connect = () => createSupabaseAuthConnector({ url: emulator.url, serviceRoleKey: 'service-key', policy: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } });

describe('bans and error bodies', () => {
  it('bans with a Go duration, shows banned_until as bannedUntil, and unbans with "none"', async () => {
    const connector = connect();
    const user = await connector.createUser({ email: 'ban.me@example.com' });
    expect(user.bannedUntil).toBeNull();
    const banned = await connector.updateUser(user.id, { banDuration: BAN_FOR_GOOD });
    expect(Date.parse(banned.bannedUntil ?? '')).toBeGreaterThan(Date.now() + 99 * 365 * 86_400_000);
    expect((await connector.getUser(user.id)).bannedUntil).toBe(banned.bannedUntil);
    expect((await connector.updateUser(user.id, { banDuration: 'none' })).bannedUntil).toBeNull();
    expect(emulator.getUser(user.id)?.banned_until).toBeUndefined();
    // GoTrue has no "d" unit: its own 400 validation_failed, with its message.
    const bad = await connectorFailure(connector.updateUser(user.id, { banDuration: '7d' }));
    expect(bad).toMatchObject({ kind: 'invalid-request', status: 400, reason: 'validation_failed', message: expect.stringMatching(/invalid format for ban duration/) });
  });

  it("a 5xx carries GoTrue's own message (the SDK alone says {}); a foreign 5xx page keeps the SDK's words", async () => {
    const connector = connect();
    emulator.fault(SUPABASE_ROUTES.create, { ...gotrueFault(500, 'unexpected_failure', 'Database error creating new user'), times: 2 });
    const own = await connectorFailure(connector.createUser({ email: 'taken.id@example.com' }));
    expect(own).toMatchObject({ kind: 'unavailable', status: 500, message: 'createUser: Database error creating new user' });
    emulator.fault(SUPABASE_ROUTES.create, { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>', headers: { 'content-type': 'text/html' }, times: 2 });
    const foreign = await connectorFailure(connector.createUser({ email: 'proxy@example.com' }));
    expect(foreign).toMatchObject({ kind: 'unavailable', status: 502 });
    expect(foreign.message).not.toMatch(/Database error/);
  });
});
