import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../core/cli/program';
import { startPgProxy, type PgProxy } from '../helpers/pg-proxy';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';

/*
 * Outside attack (session 13) on 99d7fe3: the CLI waiting for a team-mode run when the store host stops answering (accepts TCP,
 * says nothing: a failover to a dead address, a hung server; WAIT_STORE_LOSS_MS names "a failover"). The change
 * says a connection loss that reaches a caller is 'unavailable' ("the database connection was lost ... a run may
 * have started, so look at Runs first"), not 'internal'. Here pg-pool's own "timeout exceeded when trying to
 * connect" (a pooled request that found no connection in connectTimeoutMs) escapes waitFor: isConnectionLoss does
 * not know it, so the CLI exits with code 'internal' and the driver's words, while the run is still queued.
 */
const server = usePostgres();
let proxy: PgProxy;
let admin: pg.Client;
let dataDir: string;

beforeAll(async () => {
  await server().createDatabase('s13_cli_wait');
  proxy = await startPgProxy(server().port);
  admin = new pg.Client({ connectionString: server().url('s13_cli_wait') });
  await admin.connect();
  dataDir = mkdtempSync(join(tmpdir(), 'sw-s13-cli-'));
}, 90_000);

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
  await admin?.end();
  await proxy?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('CLI waiting on a team run when the store stops answering (attack s13 on 99d7fe3)', () => {
  it("exits 'unavailable' (the connection was lost), not 'internal'", async () => {
    vi.stubEnv('SYNCWARDEN_SECRETS', 'env');
    vi.stubEnv('PGPASSWORD', PG_PASSWORD);
    vi.stubEnv('SYNCWARDEN_STORE', '');
    const team = `postgres://postgres@127.0.0.1:${proxy.port}/s13_cli_wait`;
    expect(await runCli(['--data-dir', dataDir, 'store', 'init', team])).toBe(0);
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    // No worker: the run stays queued and the CLI waits for it.
    const running = runCli(['--data-dir', dataDir, '--store', team, '--with-demo-engine', '--json', 'runs', 'start', 'demo', '--params', '{"items":1}']);
    for (let i = 0; i < 200; i++) {
      if (Number((await admin.query(`SELECT count(*) AS n FROM runs`)).rows[0]?.n) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cutAt = Date.now();
    proxy.blackhole();
    const code = await running;
    const seconds = (Date.now() - cutAt) / 1000;
    vi.restoreAllMocks();
    const states = (await admin.query<{ state: string }>(`SELECT state FROM runs`)).rows.map((r) => r.state);
    const last = err.trim().split('\n').at(-1) ?? '';
    // The run went on being queued (no worker), and the CLI gave up after ~30 s as the change says.
    expect(states).toEqual(['queued']);
    expect(code, `${seconds.toFixed(1)} s: ${err}`).toBe(1);
        // Measured 55 s: 30 s of polling (WAIT_STORE_LOSS_MS, counted from the start of the first poll that met the silence), the poll
    // in flight then (a 10 s connect timeout), and the console's close, which waits out its own connect attempts.
    expect(seconds, 'seconds from the store going silent to the CLI giving up').toBeLessThan(90);
    // Before the fix: {"error":{"code":"internal","message":"timeout exceeded when trying to connect"}}
    expect(JSON.parse(last), `gave up ${seconds.toFixed(1)} s after the store went silent: ${last}`).toMatchObject({ error: { code: 'unavailable' } });
  }, 150_000);
});
