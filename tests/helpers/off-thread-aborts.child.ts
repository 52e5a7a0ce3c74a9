import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runSqliteOffThread } from '../../core/store/sqlite-off-thread';

/**
 * Starts `runs` off-thread scripts and aborts each at a random moment in its thread's first `spreadMs`, the time in
 * which the thread starts and loads better-sqlite3 (about 25 ms in). Prints `survived <runs>` if the process lives.
 * Run by sqlite-off-thread-abort.test.ts in a child process: the fault it guards against aborts the whole process.
 */
async function main(): Promise<void> {
  const [runs = '300', spreadMs = '60'] = process.argv.slice(2);
  const dir = mkdtempSync(join(tmpdir(), 'sw-off-thread-aborts-'));
  const file = join(dir, 'x.db');
  new Database(file).close();
  try {
    for (let i = 0; i < Number(runs); i++) {
      const abort = new AbortController();
      const work = runSqliteOffThread(file, { pragmas: ['busy_timeout = 1000'], exec: 'SELECT 1' }, abort.signal).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Number(spreadMs)));
      abort.abort();
      await work;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`survived ${runs}\n`);
}

void main();
