import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';
import { openStore } from '../../core/store/store';
import { assertBuilt, runCliSync } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

describe('syncwarden CLI (built bundle)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeAll(assertBuilt);
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());
  const cli = (...args: string[]) => runCliSync(['--data-dir', dir.path, ...args]);

  it('--help lists the commands and the documented exit codes', () => {
    const { code, stdout } = runCliSync(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/runs/);
    expect(stdout).toMatch(/serve/);
    expect(stdout).toMatch(/Exit codes:[\s\S]*3 +the console store cannot be opened/);
  });

  it('runs list says what to do on an empty store, and --json gives a page', () => {
    expect(cli('runs', 'list')).toMatchObject({ code: 0, stdout: expect.stringMatching(/No runs yet/) });
    const json = cli('--json', 'runs', 'list');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
  });

  it('runs start waits for the run, prints it as JSON and records the CLI as its trigger', () => {
    const started = cli('--with-demo-engine', '--json', 'runs', 'start', 'demo', '--params', '{"items":5000}');
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ engine: 'demo', state: 'succeeded', trigger: 'cli', progress: { percent: 100 } });
    const list = cli('runs', 'list');
    // The scope in words ("all" is everyone), the mode in its own column (issue 18, walk finding 8).
    expect(list.stdout).toMatch(/1 +demo +check +All users +succeeded +cli/);
  });

  it('exit 4 when the awaited run fails; exit 2 for unknown engines and bad arguments', () => {
    const failed = cli('--with-demo-engine', 'runs', 'start', 'demo', '--params', '{"items":10,"failAt":3}');
    expect(failed.code).toBe(4);
    expect(failed.stdout).toMatch(/failed: Demo failure at item 3/);
    const unknown = cli('--json', 'runs', 'start', 'demo');
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr)).toMatchObject({ error: { code: 'not-found' } });
    expect(cli('runs', 'list', '--limit', 'lots').code).toBe(2);
    expect(cli('runs', 'start', 'demo', '--params', '[1,2]').code).toBe(2);
    expect(cli('frobnicate').code).toBe(2);
  });

  it('exit 3, with a clear message, for a store written by a newer version', async () => {
    const store = await openStore(dir.path);
    await store.close();
    const db = new Database(join(dir.path, 'syncwarden.db'));
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.close();
    const result = cli('runs', 'list');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/newer Syncwarden/);
  });

  it('check runs an engine and prints its result; repair needs a choice, and --all needs --yes', () => {
    const checked = cli('--with-demo-engine', 'check', 'demo', '--params', '{"items":3000}');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/demo check \(run 1\): succeeded[\s\S]*drifted: 3[\s\S]*API calls: demo 3/);
    const nothingChosen = cli('--with-demo-engine', 'repair', 'demo');
    expect(nothingChosen.code).toBe(2);
    expect(nothingChosen.stderr).toMatch(/choose what to repair/);
    const unconfirmed = cli('--with-demo-engine', 'repair', 'demo', '--all');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/would apply 3 open finding\(s\) of demo; add --yes/);
  });

  it('appdb init creates the canonical schema in a new SQLite file, idempotently', () => {
    const file = join(dir.path, 'product.db');
    const first = runCliSync(['--json', 'appdb', 'init', '--sqlite', file]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ dialect: 'sqlite', tables: expect.arrayContaining(['users', 'files', 'videos', 'clips', 'emails']) });
    expect(runCliSync(['appdb', 'init', '--sqlite', file]).code).toBe(0);
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT name FROM pragma_table_info('storage_accounts')`).pluck().all()).toContain('refresh_token');
    db.close();
    expect(runCliSync(['appdb', 'init']).code).toBe(2);
  });

  it.each([
    ['SIGTERM', 0],
    ['SIGINT', 130],
  ] as const)('serve prints its URL, serves the console with a CSP and stops cleanly on %s (exit %i)', async (signal, exitCode) => {
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dir.path, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('serve printed nothing')), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        clearTimeout(timer);
        resolve(chunk.toString());
      });
    });
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{32}$`));
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code] = await exited;
    expect(code).toBe(exitCode);
  });
});
