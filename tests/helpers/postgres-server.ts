import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports';

/**
 * A throwaway PostgreSQL 15 cluster in a temp dir on a free 127.0.0.1 port
 * (toolchain.md recipe). Local socket connections are trusted; TCP requires
 * the password, so bad credentials can be tested. pg_cron is preloaded when
 * installed. Fails loudly when PostgreSQL is not installed. No vitest import:
 * benchmarks (bench/workers.bench.ts) start one outside the test runner.
 */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const PG_PASSWORD = 'syncwarden-test';

export interface TestPostgres {
  port: number;
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/DB */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** `preloadCron: false` starts a server without pg_cron loaded (as a managed PostgreSQL without it). */
export async function startPostgres(options: { preloadCron?: boolean } = {}): Promise<TestPostgres> {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}/initdb missing): apt-get install postgresql-15 postgresql-15-cron`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'syncwarden-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  const run = (bin: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(PG_BIN, bin);
    const fullArgs = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, bin), ...args] : args;
    const result = spawnSync(command, fullArgs, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${bin} failed: ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8']);
  const cron = options.preloadCron !== false && existsSync('/usr/share/postgresql/15/extension/pg_cron.control');
  appendFileSync(
    join(dir, 'data', 'postgresql.conf'),
    [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      'fsync = off',
      ...(cron ? [`shared_preload_libraries = 'pg_cron'`, `cron.database_name = 'postgres'`, 'cron.use_background_workers = on'] : []),
      '',
    ].join('\n'),
  );
  run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);

  const admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`ALTER USER postgres PASSWORD '${PG_PASSWORD}'`);
  await admin.end();

  return {
    port,
    url: (database = 'postgres') => `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('the postgres system user is missing (install postgresql-15)');
  return { uid, gid: id('-g') };
}
