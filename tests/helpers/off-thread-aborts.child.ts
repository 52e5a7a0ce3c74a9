import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { resolveMapping } from '../../core/appdb/mapping';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { InThreadDiffer } from '../../core/engines/storage-orphans/listing-diff';
import { ThreadDiffer } from '../../core/engines/storage-orphans/listing-diff-thread';
import { StorageDb } from '../../core/engines/storage-orphans/storage-db';
import { runSqliteOffThread } from '../../core/store/sqlite-off-thread';

/**
 * Starts `runs` threads that load better-sqlite3 and stops each at a random moment in its first `spreadMs`, the time
 * in which the thread starts and loads the driver (about 25 ms in). Prints `survived <runs>` if the process lives.
 * `script`: runSqliteOffThread's scripts, aborted by their signal; `differ`: storage-orphans' diff threads
 * (ThreadDiffer), closed as a check that ends at once closes them. Run by sqlite-off-thread-abort.test.ts in a child
 * process: the fault it guards against aborts the whole process.
 */
async function main(): Promise<void> {
  const [mode = 'script', runs = '300', spreadMs = '60'] = process.argv.slice(2);
  const dir = mkdtempSync(join(tmpdir(), 'sw-off-thread-aborts-'));
  const file = join(dir, 'x.db');
  const seed = new Database(file);
  seed.exec('CREATE TABLE files (id INTEGER PRIMARY KEY, user_id TEXT, provider TEXT, provider_file_id TEXT, name TEXT, size INTEGER)');
  seed.close();
  const product = openSqliteAppDb({ path: file });
  const storage = new StorageDb(product, resolveMapping({}));
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * Number(spreadMs)));
  try {
    for (let i = 0; i < Number(runs); i++) {
      if (mode === 'differ') {
        const differ = new ThreadDiffer(product.file!, storage, new InThreadDiffer(storage));
        await pause();
        await differ.close();
      } else {
        const abort = new AbortController();
        const work = runSqliteOffThread(file, { pragmas: ['busy_timeout = 1000'], exec: 'SELECT 1' }, abort.signal).catch(() => undefined);
        await pause();
        abort.abort();
        await work;
      }
    }
  } finally {
    await product.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`survived ${runs}\n`);
}

void main();
