import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { PgBossTeamStatus } from '../../core/queue/pgboss-team-status';
import { RunQueue } from '../../core/queue/run-queue';
import { WorkersRepo } from '../../core/queue/workers.repo';
import { REPO_ROOT } from '../helpers/paths';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/** `syncwarden worker` as a real process (the CLI entry under tsx): options, a run taken and finished, SIGTERM drains with 0. */
const server = usePostgres();
const dir = makeTempDir();
let storeUrl = '';
let app: Syncwarden;
let queue: RunQueue;
const cli = (args: string[]) => ['--import', 'tsx', join(REPO_ROOT, 'core/cli/main.ts'), '--data-dir', dir.path, '--with-demo-engine', ...args];

beforeAll(async () => {
  await server().createDatabase('team');
  storeUrl = `postgres://postgres@127.0.0.1:${server().port}/team`;
  app = await createSyncwarden({ dataDir: dir.path, host: 'browser', withDemoEngine: true });
  queue = new RunQueue({ connectionString: server().url('team') });
  await queue.start();
}, 60_000);

afterAll(async () => {
  await queue?.stop({ graceful: false, timeoutMs: 1_000 });
  await app?.close();
  dir.remove();
});

describe('syncwarden worker', () => {
  it.each([
    [['worker'], /needs the team store/],
    [['worker', '--store', '/tmp/some-dir'], /PostgreSQL team store/],
    [['worker', '--store', 'postgres://postgres:secret@127.0.0.1:5432/team'], /leave the password out/],
    [['worker', '--store', 'postgres://postgres@127.0.0.1:5432/team', '--engines', 'demo,nope'], /unknown engine\(s\): nope/],
    [['worker', '--store', 'postgres://postgres@127.0.0.1:5432/team', '--concurrency', '0'], /positive whole number/],
  ])('refuses %j with exit 2', (args, message) => {
    const result = spawnSync(process.execPath, cli(args), { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SYNCWARDEN_STORE: '' } });
    expect(result.status).toBe(2);
    expect(result.stderr + result.stdout).toMatch(message);
  });

  it('takes a run started by a console, finishes it, and drains on SIGTERM with exit 0', async () => {
    const child = spawn(process.execPath, cli(['--json', 'worker', '--store', storeUrl, '--engines', 'demo', '--concurrency', '1', '--drain-timeout', '20']), {
      cwd: REPO_ROOT,
      env: { ...process.env, PGPASSWORD: PG_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = once(child, 'exit');
    await until(() => out.includes('"worker.started"'), 60_000, `worker started:\n${out}`);
    const send = async (run: { runId: number; engine: string; scope: string }) => void (await queue.enqueueQueuedRun(run));
    const { runId } = await app.runs.startInQueue('demo', { items: 20, pageSize: 2, delayMsPerPage: 300 }, 'cli', send);
    await until(async () => (await app.store.runs.get(runId))?.state === 'running', 30_000, 'the worker took the run');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    // Drained: the run it held finished rather than being cut off.
    expect((await app.store.runs.get(runId))?.state).toBe('succeeded');
    expect(out).toContain('"worker.stopped"');
    const team = new PgBossTeamStatus({ queue, workers: new WorkersRepo(app.store.db) });
    const [row] = await team.workers();
    expect(row).toMatchObject({ engines: ['demo'], concurrency: 1, draining: true, alive: false });
  }, 120_000);
});
