import { createClient, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupabaseEmulator, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';

// The emulator's wire format against what api-facts §7 says GoTrue writes.
let emulator: SupabaseEmulator;
beforeAll(async () => {
  emulator = await startSupabaseEmulator({ serviceRoleKey: 'svc', anonKey: 'anon', users: [] });
  const base = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < 120; i++) emulator.addUser({ email: `u${i}@example.com`, created_at: new Date(base + i * 1000).toISOString() });
});
afterAll(async () => emulator?.close());

const admin = { apikey: 'svc', Authorization: 'Bearer svc', 'X-Supabase-Api-Version': '2024-01-01' };
const call = (path: string, init: RequestInit = {}) => fetch(`${emulator.url}/auth/v1${path}`, init);

describe('GoTrue admin emulator', () => {
  it('pages like GoTrue: default 50, created_at desc, X-Total-Count and a Link with sorted keys', async () => {
    const response = await call('/admin/users', { headers: admin });
    const body = (await response.json()) as { users: { email: string }[]; aud: string };
    expect(body.aud).toBe('authenticated');
    expect(body.users).toHaveLength(50);
    expect(body.users[0]?.email).toBe('u119@example.com');
    expect(response.headers.get('x-total-count')).toBe('120');

    const page = await call('/admin/users?per_page=10&page=2', { headers: admin });
    expect(page.headers.get('link')).toBe('</admin/users?page=3&per_page=10>; rel="next", </admin/users?page=12&per_page=10>; rel="last"');
    const last = await call('/admin/users?page=12&per_page=10', { headers: admin });
    expect(last.headers.get('link')).toBe('</admin/users?page=12&per_page=10>; rel="last"');
  });

  it('makes the SDK misread page numbers ≥ 10 from its Link header, as the real service does', async () => {
    const client = createClient(emulator.url, 'svc', {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket as unknown as WebSocketLikeConstructor },
    });
    const { data, error } = await client.auth.admin.listUsers({ page: 10, perPage: 10 });
    expect(error).toBeNull();
    expect(data.users).toHaveLength(10);
    expect(data).toMatchObject({ nextPage: 1, lastPage: 1, total: 120 });
  });

  it('answers auth failures with GoTrue codes, echoing the API version and x-sb-error-code', async () => {
    const none = await call('/admin/users', { headers: { 'X-Supabase-Api-Version': '2024-01-01' } });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ code: 'no_authorization', message: 'This endpoint requires a Bearer token' });
    expect(none.headers.get('x-supabase-api-version')).toBe('2024-01-01');

    const anon = await call('/admin/users', { headers: { ...admin, Authorization: 'Bearer anon' } });
    expect(anon.status).toBe(403);
    expect(anon.headers.get('x-sb-error-code')).toBe('not_admin');

    // Without the version header GoTrue falls back to its original error shape.
    const old = await call('/admin/users/nope', { headers: { Authorization: 'Bearer svc' } });
    expect(old.status).toBe(404);
    expect(await old.json()).toEqual({ code: 404, error_code: 'validation_failed', msg: 'user_id must be an UUID' });
  });

  it('merges metadata with null deleting a key, and soft-deletes by obfuscating the user', async () => {
    const created = await call('/admin/users', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ email: 'm@example.com', user_metadata: { a: 1, b: 2 } }),
    });
    expect(created.status).toBe(200);
    const user = (await created.json()) as { id: string; email_confirmed_at?: string };
    expect(user).not.toHaveProperty('email_confirmed_at');

    const updated = await call(`/admin/users/${user.id}`, { method: 'PUT', headers: admin, body: JSON.stringify({ user_metadata: { b: null, c: 3 }, email_confirm: true }) });
    expect(await updated.json()).toMatchObject({ user_metadata: { a: 1, c: 3, email_verified: true }, email_confirmed_at: expect.any(String) });

    const deleted = await call(`/admin/users/${user.id}`, { method: 'DELETE', headers: admin, body: JSON.stringify({ should_soft_delete: true }) });
    expect(await deleted.json()).toEqual({});
    const soft = emulator.getUser(user.id);
    expect(soft).toMatchObject({ user_metadata: {}, app_metadata: {}, deleted_at: expect.any(String) });
    expect(soft?.email).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const again = await call('/admin/users', { method: 'POST', headers: admin, body: JSON.stringify({ email: 'm@example.com' }) });
    expect(again.status).toBe(200);
    const duplicate = await call('/admin/users', { method: 'POST', headers: admin, body: JSON.stringify({ email: 'M@example.com' }) });
    expect(duplicate.status).toBe(422);
    expect(await duplicate.json()).toEqual({ code: 'email_exists', message: 'A user with this email address has already been registered' });
  });
});
