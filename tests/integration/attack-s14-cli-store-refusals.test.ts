import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { runCli } from '../../core/cli/program';
import { fatalError, startPgWireServer } from '../helpers/pg-wire';

/*
 * Fixed: explainConnectError (store-probe.ts) says each of these refusals as what it is; exit 3 store-unreachable.
 *
 * Attack s14 (CLI error mapping): b5069f7 says a StoreConnectError caused by a lost connection is 'unavailable'
 * (exit 1) and "exit 3 'store-unreachable' for the rest (a refused login), as exit-codes.ts documents for a store
 * that cannot be opened". explainConnectError only makes a StoreConnectError of a few SQLSTATEs; any other refusal
 * of the login comes through as the driver's own error and is reported 'internal' ("unexpected error, see the log"),
 * exit 1. Here a fake server (127.0.0.1) answers the startup with the FATAL a real server sends in each case.
 */
let dataDir: string;
let err: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sw-attack-s14-cli-'));
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  process.exitCode = undefined;
  vi.stubEnv('SYNCWARDEN_SECRETS', 'env');
  vi.stubEnv('PGPASSWORD', 'not-the-real-one');
  vi.stubEnv('SYNCWARDEN_STORE', '');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function refusingStore(code: string, message: string): Promise<string> {
  const fake = await startPgWireServer((socket) => socket.end(fatalError(code, message)));
  onTestFinished(() => fake.close());
  return `postgres://syncwarden@127.0.0.1:${fake.port}/team`;
}

async function listRuns(store: string): Promise<{ exit: number; error: { code: string; message: string } }> {
  const exit = await runCli(['--data-dir', dataDir, '--json', '--store', store, 'runs', 'list']);
  return { exit, error: (JSON.parse(err.trim().split('\n').at(-1) ?? '{}') as { error: { code: string; message: string } }).error };
}

describe('attack s14: a store that refuses the session at login is a store that cannot be opened, not an internal error', () => {
  it('a store at max_connections (FATAL 53300 "sorry, too many clients already")', async () => {
    const { exit, error } = await listRuns(await refusingStore('53300', 'sorry, too many clients already'));
    expect(error.code).not.toBe('internal');
    expect([1, 3]).toContain(exit);
    expect(error.code).toMatch(/^(unavailable|store-unreachable)$/);
  }, 30_000);

  it('a role without CONNECT on the store database (FATAL 42501 "permission denied for database")', async () => {
    const { exit, error } = await listRuns(await refusingStore('42501', 'permission denied for database "team"'));
    expect(error.code).not.toBe('internal');
    expect(exit).toBe(3);
    expect(error.code).toBe('store-unreachable');
  }, 30_000);

  it('a role that may not log in (FATAL 28000 "role ... is not permitted to log in") is not told to fix its password', async () => {
    const { exit, error } = await listRuns(await refusingStore('28000', 'role "syncwarden" is not permitted to log in'));
    expect(exit).toBe(3);
    expect(error.code).toBe('store-unreachable');
    // The server did not ask for a password at all: telling the admin to put one in the keychain sends them the wrong way.
    expect(error.message).not.toMatch(/Set its password in the keychain/);
  }, 30_000);

  it('a store URL with sslmode=require on a server without TLS (it answers the SSLRequest with N)', async () => {
    const fake = await startPgWireServer((socket) => socket.write('N'));
    onTestFinished(() => fake.close());
    const { exit, error } = await listRuns(`postgres://syncwarden@127.0.0.1:${fake.port}/team?sslmode=require`);
    expect(error.code).not.toBe('internal');
    expect(exit).toBe(3);
  }, 30_000);

  it('held: a refused password is exit 3 store-unreachable and does not echo PGPASSWORD', async () => {
    const { exit, error } = await listRuns(await refusingStore('28P01', 'password authentication failed for user "syncwarden"'));
    expect(exit).toBe(3);
    expect(error.code).toBe('store-unreachable');
    expect(err).not.toContain('not-the-real-one');
  }, 30_000);
});
