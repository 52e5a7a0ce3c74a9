import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallResult } from '../../core/api/errors';
import type { MethodName } from '../../core/api/names';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { dispatch } from '../../core/app/dispatch';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * People, not ids: `users.lookup` and `users.search` read the product's users
 * table through the one handler table, and a schedule of one user is checked
 * against it when it is saved (an unknown user is refused naming the value,
 * an email is kept as the user's id), not at its first firing.
 */
interface World {
  app: TestApp;
  db: AppDbAdapter;
  close(): Promise<void>;
}
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PEOPLE = [
  ['u-ada', 'ada@example.com', 'Ada Lovelace'],
  ['u-grace', 'Grace@Example.com', 'Grace Hopper'],
  ['u-alan', 'alan@example.com', null],
  ['u-pct', 'percent%_@example.com', 'Under_Score 100%'],
] as const;

async function openWorld(withProductDb = true): Promise<World> {
  const dir = makeTempDir('syncwarden-people-');
  const db = openSqliteAppDb({ path: join(dir.path, 'product.db'), create: true });
  await initCanonicalSchema(db);
  for (const [id, email, name] of PEOPLE) await db.execute('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', [id, email, name]);
  const app = await createTestApp();
  if (withProductDb) await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: join(dir.path, 'product.db') }, secrets: {} } as Parameters<typeof app.connections.create>[0]);
  return {
    app,
    db,
    async close() {
      await app.dispose();
      await db.close();
      dir.remove();
    },
  };
}

const call = (w: World, method: MethodName, input: unknown): Promise<CallResult<unknown>> => dispatch(w.app.handlers, method, input, { actor: 'manual' });
async function ok<T>(w: World, method: MethodName, input: unknown): Promise<T> {
  const result = await call(w, method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.result as T;
}

describe('users.lookup', () => {
  it('resolves ids and emails (any case) in one batch, and leaves out keys that name nobody', async () => {
    world = await openWorld();
    const found = await ok<{ users: unknown[]; unavailable: string | null }>(world, 'users.lookup', { keys: ['u-ada', 'grace@example.com', 'u-nobody', 'ghost@example.com', 'u-alan', 'u-ada'] });
    expect(found.unavailable).toBeNull();
    expect(found.users).toEqual([
      { key: 'u-ada', user: { id: 'u-ada', email: 'ada@example.com', name: 'Ada Lovelace' } },
      { key: 'grace@example.com', user: { id: 'u-grace', email: 'Grace@Example.com', name: 'Grace Hopper' } },
      { key: 'u-alan', user: { id: 'u-alan', email: 'alan@example.com', name: null } },
    ]);
  });

  it('without a product database answers nothing found and why, never an error', async () => {
    world = await openWorld(false);
    const found = await ok<{ users: unknown[]; unavailable: string | null }>(world, 'users.lookup', { keys: ['u-ada'] });
    expect(found).toEqual({ users: [], unavailable: expect.stringContaining('Connections page') });
  });

  it('a product database without a users table answers nothing found and why', async () => {
    world = await openWorld();
    await world.db.execute('DROP TABLE users');
    expect(await ok(world, 'users.lookup', { keys: ['u-ada'] })).toEqual({ users: [], unavailable: expect.stringContaining('no users table') });
    expect(await ok(world, 'users.search', { query: 'ada' })).toEqual({ users: [], unavailable: expect.stringContaining('no users table') });
  });

  it('refuses an empty or oversized batch', async () => {
    world = await openWorld();
    expect(await call(world, 'users.lookup', { keys: [] })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call(world, 'users.lookup', { keys: Array.from({ length: 201 }, (_, i) => `u-${i}`) })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});

describe('users.search', () => {
  it('finds users by part of the name, email or id, case-insensitively, ordered by email and bounded by limit', async () => {
    world = await openWorld();
    const search = async (query: string, limit?: number) => (await ok<{ users: { id: string }[] }>(world!, 'users.search', { query, ...(limit ? { limit } : {}) })).users.map((u) => u.id);
    expect(await search('LOVE')).toEqual(['u-ada']);
    expect(await search('hopper')).toEqual(['u-grace']);
    expect(await search('example.com')).toEqual(['u-ada', 'u-alan', 'u-grace', 'u-pct']);
    expect(await search('example.com', 2)).toHaveLength(2);
    expect(await search('u-al')).toEqual(['u-alan']);
    // LIKE's wildcards in what the admin typed are matched literally.
    expect(await search('_')).toEqual(['u-pct']);
    expect(await search('100%')).toEqual(['u-pct']);
    expect(await search('nobody-here')).toEqual([]);
    expect(await search('')).toHaveLength(4);
  });
});


describe('a schedule of one user is checked when it is saved', () => {
  const spec = (userId: string) => ({ engine: 'mail-import', scope: { kind: 'user', userId }, trigger: { kind: 'interval', minutes: 60 } });

  it('an unknown user id or email is refused naming the value, under the user field, and nothing is stored', async () => {
    world = await openWorld();
    for (const value of ['u-nobody', 'ghost@example.com']) {
      expect(await call(world, 'schedules.create', spec(value))).toMatchObject({
        ok: false,
        error: { code: 'invalid-input', message: expect.stringContaining(`there is no user "${value}" in the product database`), details: { issues: [{ path: ['scope', 'userId'] }] } },
      });
    }
    const provider = { engine: 'storage-orphans', scope: { kind: 'provider', userId: 'u-nobody', provider: 'google' }, trigger: { kind: 'interval', minutes: 60 } };
    expect(await call(world, 'schedules.create', provider)).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('"u-nobody"') } });
    expect((await ok<{ total: number }>(world, 'schedules.list', {})).total).toBe(0);
  });

  it('an existing user is accepted; an email is kept as the user id; an update to an unknown user is refused and keeps the schedule', async () => {
    world = await openWorld();
    const byId = await ok<{ id: number; scope: unknown }>(world, 'schedules.create', spec('u-ada'));
    expect(byId.scope).toEqual({ kind: 'user', userId: 'u-ada' });
    const byEmail = await ok<{ id: number; scope: unknown }>(world, 'schedules.create', spec('GRACE@example.com'));
    expect(byEmail.scope).toEqual({ kind: 'user', userId: 'u-grace' });

    expect(await call(world, 'schedules.update', { id: byId.id, spec: spec('u-gone') })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('"u-gone"') } });
    const listed = await ok<{ schedules: { id: number; scope: unknown }[] }>(world, 'schedules.list', {});
    expect(listed.schedules.find((s) => s.id === byId.id)?.scope).toEqual({ kind: 'user', userId: 'u-ada' });
  });

  it('a user removed from the product database after the schedule was saved is refused at the next save', async () => {
    world = await openWorld();
    const saved = await ok<{ id: number }>(world, 'schedules.create', spec('u-alan'));
    await world.db.execute('DELETE FROM users WHERE id = ?', ['u-alan']);
    expect(await call(world, 'schedules.update', { id: saved.id, spec: { ...spec('u-alan'), enabled: false } })).toMatchObject({ ok: false, error: { message: expect.stringContaining('"u-alan"') } });
  });

  it('without a product database the user scope is kept as given (the run says what is missing)', async () => {
    world = await openWorld(false);
    expect(await ok<{ scope: unknown }>(world, 'schedules.create', spec('u-anyone'))).toMatchObject({ scope: { kind: 'user', userId: 'u-anyone' } });
  });
});
