import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../core/cli/program';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';
import { writeStorePointer } from '../../core/store/store-location';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';

const server = usePostgres();
let dataDir: string;
let out: string;
let err: string;
let noPassword: string;

beforeAll(async () => {
  await server().createDatabase('cli_store');
  noPassword = `postgres://postgres@127.0.0.1:${server().port}/cli_store`;
}, 120_000);

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sw-store-cli-'));
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  process.exitCode = undefined;
  vi.stubEnv('SYNCWARDEN_SECRETS', 'env');
  vi.stubEnv('PGPASSWORD', '');
  vi.stubEnv('SYNCWARDEN_STORE', '');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);

describe('syncwarden store', () => {
  it('init refuses a URL with the password in it, and says where the password goes', async () => {
    expect(await cli('store', 'init', server().url('cli_store'))).toBe(2);
    expect(err).toMatch(/credential \(user:password@\).*OS keychain.*PGPASSWORD/);
    expect(err).not.toContain(PG_PASSWORD);
  });

  it('init without any password: the refused login says where to put it', async () => {
    expect(await cli('store', 'init', noPassword)).toBe(3);
    expect(err).toMatch(/refused the login.*keychain entry "store\/postgres@127\.0\.0\.1:\d+\/cli_store\/password".*PGPASSWORD/);
  });

  it('init with PGPASSWORD creates the schema, a second init reports it ready; status reads it', async () => {
    vi.stubEnv('PGPASSWORD', PG_PASSWORD);
    expect(await cli('--json', 'store', 'init', noPassword)).toBe(0);
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ dialect: 'postgres', location: noPassword, schemaVersionBefore: 0, schemaVersion: LATEST_SCHEMA_VERSION });
    out = '';
    expect(await cli('store', 'init', noPassword)).toBe(0);
    expect(out).toContain(`is ready (schema ${LATEST_SCHEMA_VERSION})`);

    out = '';
    vi.stubEnv('SYNCWARDEN_STORE', noPassword);
    expect(await cli('--json', 'store', 'status')).toBe(0);
    expect(JSON.parse(out.trim())).toMatchObject({ source: 'environment', dialect: 'postgres', location: noPassword, schemaVersion: LATEST_SCHEMA_VERSION, state: 'ready' });
  });

  it('status follows the Settings pointer, and reports an unreachable store with exit 3', async () => {
    writeStorePointer(dataDir, { dialect: 'postgres', url: `postgres://postgres@127.0.0.1:1/none` });
    expect(await cli('store', 'status')).toBe(3);
    expect(err).toMatch(/cannot reach the PostgreSQL store at postgres:\/\/postgres@127\.0\.0\.1:1\/none/);
  });

  it('status of a data dir with no store yet', async () => {
    expect(await cli('--json', 'store', 'status')).toBe(0);
    expect(JSON.parse(out.trim())).toMatchObject({ source: 'default', dialect: 'sqlite', schemaVersion: 0, state: 'empty' });
  });

  it('init of a missing database says to create it', async () => {
    vi.stubEnv('PGPASSWORD', PG_PASSWORD);
    expect(await cli('store', 'init', `postgres://postgres@127.0.0.1:${server().port}/nope`)).toBe(3);
    expect(err).toMatch(/does not exist: create it first/);
  });
});
