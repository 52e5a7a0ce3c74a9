import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSqliteOffThread } from '../../core/store/sqlite-off-thread';
import { makeTempDir } from '../helpers/temp-dir';

/** A file with `rows` scattered keys: building an index over it is seconds of native sorting at a million. */
function seed(file: string, rows: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY, k TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (seq, k) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= rows; i++) insert.run(i, `${((i * 2654435761) >>> 0).toString(16)}-${i}`);
  })();
  db.close();
}

describe('runSqliteOffThread', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let file: string;
  beforeEach(() => {
    dir = makeTempDir();
    file = join(dir.path, 'scratch.db');
  });
  afterEach(() => {
    vi.doUnmock('node:worker_threads');
    vi.resetModules();
    dir.remove();
  });

  it('runs the script with its pragmas on another thread, returns the row asked for, and leaves the work in the file', async () => {
    seed(file, 200_000);
    // The event loop turns while the index is sorted: a 5 ms timer keeps firing.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const row = await runSqliteOffThread(file, { pragmas: ['cache_size = -2048'], exec: 'CREATE INDEX t_k ON t (k)', get: "SELECT count(*) AS n, (SELECT count(*) FROM sqlite_master WHERE name = 't_k') AS built, (SELECT cache_size FROM pragma_cache_size) AS cache FROM t" });
    const took = performance.now() - started;
    clearInterval(timer);
    expect(row).toEqual({ n: 200_000, built: 1, cache: -2048 });
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(took / 5 / 4));
    const db = new Database(file, { readonly: true });
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT seq FROM t WHERE k = 'x'").all() as { detail: string }[];
    expect(plan.map((step) => step.detail)).toEqual([expect.stringContaining('USING COVERING INDEX t_k')]);
    db.close();
  });

  it("fails with SQLite's own message and code", async () => {
    seed(file, 10);
    const failed = runSqliteOffThread(file, { exec: 'CREATE INDEX t_k ON t (k); CREATE INDEX t_k ON t (k)' });
    await expect(failed).rejects.toThrow(/index t_k already exists/);
    await expect(failed).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    const notADatabase = join(dir.path, 'garbage.db');
    writeFileSync(notADatabase, 'x'.repeat(4096));
    await expect(runSqliteOffThread(notADatabase, { exec: 'CREATE TABLE u (a)' })).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
  });

  it('an abort ends the worker and rejects with the reason at once', async () => {
    seed(file, 400_000);
    const controller = new AbortController();
    const work = runSqliteOffThread(file, { exec: 'CREATE INDEX t_k ON t (k); CREATE INDEX t_k2 ON t (k, seq); CREATE INDEX t_k3 ON t (seq, k)' }, controller.signal);
    setTimeout(() => controller.abort(new Error('cancelled by the admin')), 20);
    await expect(work).rejects.toThrow('cancelled by the admin');
    const aborted = new AbortController();
    aborted.abort(new Error('already'));
    await expect(runSqliteOffThread(file, { exec: 'SELECT 1' }, aborted.signal)).rejects.toThrow('already');
  });

  it('where threads cannot start, runs the same script on this thread', async () => {
    seed(file, 1000);
    vi.doMock('node:worker_threads', () => ({
      Worker: class {
        constructor() {
          throw Object.assign(new Error('Access to this API has been restricted'), { code: 'ERR_ACCESS_DENIED' });
        }
      },
    }));
    vi.resetModules();
    const { runSqliteOffThread: run } = await import('../../core/store/sqlite-off-thread');
    expect(await run(file, { exec: 'CREATE INDEX t_k ON t (k)', get: "SELECT count(*) AS built FROM sqlite_master WHERE name = 't_k'" })).toEqual({ built: 1 });
  });
});
