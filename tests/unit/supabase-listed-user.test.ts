import { describe, expect, it } from 'vitest';
import { toListedUser, toSupabaseUser, type ListedUser } from '../../core/connectors/supabase/supabase-user';

/**
 * The listing keeps of each user only what toSupabaseUser reads
 * (toListedUser). Pinned: toSupabaseUser reads no other field, and gives the
 * same user from the cut-down copy as from the full one.
 */
const full = {
  id: '00000000-0000-4000-8000-000000000001',
  aud: 'authenticated',
  role: 'authenticated',
  email: 'a@example.com',
  phone: '',
  email_confirmed_at: '2026-01-01T00:00:00Z',
  confirmed_at: '2026-01-01T00:00:00Z',
  last_sign_in_at: '2026-03-01T00:00:00Z',
  app_metadata: { provider: 'email', providers: ['email'], role: 'admin' },
  user_metadata: { full_name: 'A B', name: 'ignored' },
  identities: [{ identity_id: 'x', id: 'y', user_id: 'z', identity_data: { email: 'a@example.com' }, provider: 'email' }],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-02T00:00:00Z',
  is_anonymous: false,
};
const variants: Record<string, unknown> = {
  full,
  softDeleted: { ...full, email: 'hash@deleted', deleted_at: '2026-02-01T00:00:00Z' },
  bannedForGood: { ...full, banned_until: '2999-01-01T00:00:00Z' },
  banOver: { ...full, banned_until: '2000-01-01T00:00:00Z' },
  phoneOnly: { ...full, email: '', phone: '123', user_metadata: { name: 'Only name' } },
  bare: { id: 'x', created_at: 'c' },
  nulls: { ...full, user_metadata: null, app_metadata: null, role: null, updated_at: null, email: null },
  nameNotString: { ...full, user_metadata: { full_name: 3, name: '  ' } },
  array: [1, 2],
};

describe('toListedUser', () => {
  it.each(Object.entries(variants))('%s: the same SupabaseUser from the cut-down copy', (_name, raw) => {
    expect(toSupabaseUser(toListedUser(raw) as ListedUser)).toEqual(toSupabaseUser(raw as ListedUser));
  });

  it('toSupabaseUser reads no field that toListedUser drops', () => {
    const kept = new Set(Object.keys(toListedUser(full) as object));
    const read = new Set<string>();
    const spy = new Proxy(full, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    toSupabaseUser(spy as unknown as ListedUser);
    toSupabaseUser(new Proxy(variants.softDeleted as object, { get: (t, k, r) => (typeof k === 'string' && read.add(k), Reflect.get(t, k, r) as unknown) }) as ListedUser);
    expect([...read].filter((key) => !kept.has(key))).toEqual([]);
  });

  it('leaves what is not an object as it came', () => {
    for (const value of [null, 3, 'x', true]) expect(toListedUser(value)).toBe(value);
  });
});
