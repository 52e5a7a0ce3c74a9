import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { runCli } from '../../core/cli/program';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';
import { writeStorePointer } from '../../core/store/store-location';
import { startInProcessWorker } from '../helpers/in-process-worker';
import { fatalTerminating, startPgWireServer } from '../helpers/pg-wire';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { until } from '../helpers/wait';

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

  it('a command whose store connection is cut while opening it says unavailable (exit 1); a refused login exits 3', async () => {
    // A server that is shutting its sessions down (pg_terminate_backend, a restart): it answers the login with
    // FATAL 57P01 and hangs up. The driver's words ("terminating connection due to administrator command") are not
    // a socket error's, only the SQLSTATE says the connection went.
    const hangUp = await startPgWireServer((socket) => socket.end(fatalTerminating()));
    onTestFinished(() => hangUp.close());
    const port = hangUp.port;
    expect(await cli('--json', '--store', `postgres://postgres@127.0.0.1:${port}/any`, 'runs', 'list')).toBe(1);
    expect(JSON.parse(err.trim())).toMatchObject({ error: { code: 'unavailable', message: expect.stringMatching(/connection was lost.*cannot reach the PostgreSQL store/) } });

    err = '';
    expect(await cli('--json', '--store', noPassword, 'runs', 'list')).toBe(3);
    expect(JSON.parse(err.trim())).toMatchObject({ error: { code: 'store-unreachable', message: expect.stringContaining('refused the login') } });
  });

  it('init of a missing database says to create it', async () => {
    vi.stubEnv('PGPASSWORD', PG_PASSWORD);
    expect(await cli('store', 'init', `postgres://postgres@127.0.0.1:${server().port}/nope`)).toBe(3);
    expect(err).toMatch(/does not exist: create it first/);
  });
});

describe('the console on a PostgreSQL store', () => {
  it('--store opens the team store; a console of another data dir pointed at it by SYNCWARDEN_STORE sees the same runs', async () => {
    vi.stubEnv('PGPASSWORD', PG_PASSWORD);
    await server().createDatabase('cli_team');
    const team = `postgres://postgres@127.0.0.1:${server().port}/cli_team`;
    expect(await cli('store', 'init', team)).toBe(0);
    out = '';
    const code = await runCli(['--data-dir', dataDir, '--store', team, '--json', '--with-demo-engine', 'runs', 'list']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out.trim())).toMatchObject({ total: 0 });

    // A second machine (another data dir) choosing the store through SYNCWARDEN_STORE sees the same runs.
    const other = mkdtempSync(join(tmpdir(), 'sw-store-cli-other-'));
    try {
      const { openStore } = await import('../../core/store/store');
      const store = await openStore(team, { password: PG_PASSWORD });
      await store.runs.insertQueued({ engine: 'toy', scope: 'all', trigger: 'cli', params: {}, ownerPid: 1, now: new Date().toISOString() });
      await store.close();
      vi.stubEnv('SYNCWARDEN_STORE', team);
      out = '';
      expect(await runCli(['--data-dir', other, '--json', 'runs', 'list'])).toBe(0);
      expect(JSON.parse(out.trim())).toMatchObject({ total: 1 });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a whole run on the team store: started from the CLI, queued, run by a worker, reports progress and items, and ends succeeded', async () => {
    vi.stubEnv('PGPASSWORD', PG_PASSWORD);
    await server().createDatabase('cli_run');
    const team = `postgres://postgres@127.0.0.1:${server().port}/cli_run`;
    // Team mode: the CLI queues, a worker runs (no retries: a failing run ends failed, not retried as a new run).
    expect(await cli('store', 'init', team)).toBe(0);
    out = '';
    const worker = await startInProcessWorker({ store: team, timing: { retryLimit: 0 } });
    onTestFinished(() => worker.stop());
    const code = await runCli(['--data-dir', dataDir, '--store', team, '--with-demo-engine', '--json', 'runs', 'start', 'demo', '--params', '{"items":3000}']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toMatchObject({ engine: 'demo', state: 'succeeded', trigger: 'cli', progress: { percent: 100 } });
    out = '';
    expect(await runCli(['--data-dir', dataDir, '--store', team, '--with-demo-engine', 'runs', 'start', 'demo', '--params', '{"items":10,"failAt":3}'])).toBe(4);
    expect(out).toMatch(/failed: Demo failure at item 3/);
  });

  it.each([
    [400, 3],
    [60, 40],
    [15, 40],
  ])('chaos: the store connections killed every %i ms (up to %i times) during a run: no crash, an honest exit, never left running', async (every, times) => {
    vi.stubEnv('PGPASSWORD', PG_PASSWORD);
    const name = `cli_chaos_${every}`;
    await server().createDatabase(name);
    const team = `postgres://postgres@127.0.0.1:${server().port}/${name}`;
    expect(await cli('store', 'init', team)).toBe(0);
    // A job whose only attempt lost its store connection while adopting fails, and its give-up may be lost too: the
    // worker then ends the stranded run on its beat (queue-run-manager.postgres.test.ts), here after 2 s, not 60.
    const worker = await startInProcessWorker({ store: team, timing: { retryLimit: 0 }, strandedAfterMs: 2_000 });
    onTestFinished(() => worker.stop());
    let ended = false;
    const running = runCli(['--data-dir', dataDir, '--store', team, '--with-demo-engine', '--json', 'runs', 'start', 'demo', '--params', '{"items":4000,"pageSize":100,"delayMsPerPage":40}']).finally(() => (ended = true));
    const admin = new pg.Client({ connectionString: server().url(name) });
    await admin.connect();
    try {
      for (let i = 0; i < times && !ended; i++) {
        await new Promise((resolve) => setTimeout(resolve, every));
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'syncwarden' AND datname = current_database()`);
      }
      const code = await running;
      // The run's outcome (0, 4), or, when the start itself lost its connection, exit 1 saying so: never `internal`.
      if (code === 1) expect(JSON.parse(err.trim().split('\n').at(-1)!)).toMatchObject({ error: { code: 'unavailable', message: expect.stringContaining('connection was lost') } });
      else expect([0, 4], `exit ${code}: ${err}`).toContain(code);
      // Never left running: a start that lost its connection after its INSERT, before its job was sent or its
      // failure written, leaves a queued run no job carries; the worker ends it within a few beats.
      const states = async () => (await admin.query<{ state: string }>(`SELECT state FROM runs`)).rows.map((row) => row.state);
      await until(async () => (await states()).every((state) => state !== 'running' && state !== 'queued'), 20_000, 'every run ended');
      // A wait that lost its connection went on waiting: exit 1 only when no run went on (none, or one the failed start ended).
      if (code === 1) expect((await states()).filter((state) => state !== 'failed')).toEqual([]);
    } finally {
      await admin.end();
    }
  }, 60_000);
});

