import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../core/api/errors';
import { createStoreHandlers } from '../../core/app/store.handlers';
import type { SecretStore } from '../../core/secrets/secret-store';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';
import { initPostgresStore } from '../../core/store/store-probe';
import { STORE_POINTER_FILE, storePasswordKey } from '../../core/store/store-location';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';

const server = usePostgres();
let dataDir: string;
let saved: Map<string, string>;
let secrets: SecretStore;
let ready: string;
let empty: string;
const ctx = { actor: 'manual' } as never;

beforeAll(async () => {
  await server().createDatabase('switch_ready');
  await server().createDatabase('switch_empty');
  ready = `postgres://postgres@127.0.0.1:${server().port}/switch_ready`;
  empty = `postgres://postgres@127.0.0.1:${server().port}/switch_empty`;
  await initPostgresStore(ready, PG_PASSWORD);
}, 120_000);
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sw-switch-'));
  saved = new Map();
  secrets = { kind: 'memory', get: async (k) => saved.get(k) ?? null, set: async (k, v) => void saved.set(k, v), delete: async (k) => void saved.delete(k) };
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function handlers(env: NodeJS.ProcessEnv = {}, keychain: SecretStore | null = secrets) {
  return createStoreHandlers({ dataDir, opened: { location: { dialect: 'sqlite', dataDir }, source: 'default' }, schemaVersion: () => LATEST_SCHEMA_VERSION, secrets: keychain ?? undefined, env });
}

async function refusal(pending: unknown): Promise<ApiError> {
  const promise = Promise.resolve(pending);
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('store.switch and store.info', () => {
  it('info: the open store, what chose it, and no saved choice yet', async () => {
    expect(await handlers()['store.info']({}, ctx)).toEqual({ dialect: 'sqlite', location: join(dataDir, 'syncwarden.db'), source: 'default', schemaVersion: LATEST_SCHEMA_VERSION, latestVersion: LATEST_SCHEMA_VERSION, saved: null });
  });

  it('a wrong password: refused, nothing saved (neither the choice nor the password)', async () => {
    const error = await refusal(handlers()['store.switch']({ location: ready, password: 'wrong' }, ctx));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/refused the login/);
    expect(error.message).not.toContain('wrong');
    expect(saved.size).toBe(0);
    expect(() => readFileSync(join(dataDir, STORE_POINTER_FILE))).toThrow();
  });

  it('the right password: checked, kept in the keychain, the choice saved for the next start', async () => {
    const result = await handlers()['store.switch']({ location: ready, password: PG_PASSWORD }, ctx);
    expect(result).toEqual({ dialect: 'postgres', location: ready, schemaVersion: LATEST_SCHEMA_VERSION, state: 'ready', restartRequired: true, overriddenBy: null });
    expect(saved.get(storePasswordKey(ready))).toBe(PG_PASSWORD);
    expect(readFileSync(join(dataDir, STORE_POINTER_FILE), 'utf8')).not.toContain(PG_PASSWORD);
    expect((await handlers()['store.info']({}, ctx)).saved).toBe(ready);
    // Back to the data directory's own store.
    expect(await handlers()['store.switch']({ location: null }, ctx)).toMatchObject({ dialect: 'sqlite', restartRequired: true });
    expect((await handlers()['store.info']({}, ctx)).saved).toBeNull();
  });

  it('an empty database is accepted (created at the next start); SYNCWARDEN_STORE is said to override', async () => {
    const result = await handlers({ SYNCWARDEN_STORE: ready, PGPASSWORD: PG_PASSWORD })['store.switch']({ location: empty }, ctx);
    expect(result).toMatchObject({ state: 'empty', schemaVersion: 0, overriddenBy: 'environment' });
  });

  it('refuses a URL with a password, another scheme, and a password without a keychain', async () => {
    expect((await refusal(handlers()['store.switch']({ location: `postgres://postgres:${PG_PASSWORD}@127.0.0.1:1/x` }, ctx))).message).toMatch(/credential.*keychain/);
    expect((await refusal(handlers()['store.switch']({ location: '/tmp/elsewhere' }, ctx))).code).toBe('invalid-input');
    expect((await refusal(handlers({}, null)['store.switch']({ location: ready, password: 'x' }, ctx))).message).toMatch(/No OS keychain.*PGPASSWORD/);
  });

  it('an unreachable server is said plainly', async () => {
    expect((await refusal(handlers()['store.switch']({ location: 'postgres://postgres@127.0.0.1:1/x' }, ctx))).message).toMatch(/cannot reach/);
  });
});
