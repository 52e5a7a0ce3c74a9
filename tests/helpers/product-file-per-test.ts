import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import type { ListingDiffer } from '../../core/engines/storage-orphans/listing-diff';
import { openListingDiffer } from '../../core/engines/storage-orphans/listing-diff-thread';
import type { StorageDb } from '../../core/engines/storage-orphans/storage-db';
import { makeTempDir } from './temp-dir';

/**
 * For the diff thread's tests: each test gets a SQLite product file of its own in a fresh directory, and every
 * differ it opened (or tracked) is closed after it, before the file is, so no thread outlives its test.
 */
export function productFilePerTest(prefix: string): {
  readonly db: AppDbAdapter;
  readonly dir: string;
  track<T extends ListingDiffer>(differ: T): T;
  open(product: StorageDb): ListingDiffer;
} {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let db: AppDbAdapter | undefined;
  let differs: ListingDiffer[] = [];
  beforeEach(() => {
    dir = makeTempDir(prefix);
    db = openSqliteAppDb({ path: join(dir.path, 'product.db'), create: true });
    differs = [];
  });
  afterEach(async () => {
    for (const differ of differs) await differ.close();
    await db?.close();
    dir?.remove();
  });
  const world = {
    get db(): AppDbAdapter {
      if (!db) throw new Error('productFilePerTest: no test is running');
      return db;
    },
    get dir(): string {
      if (!dir) throw new Error('productFilePerTest: no test is running');
      return dir.path;
    },
    track<T extends ListingDiffer>(differ: T): T {
      differs.push(differ);
      return differ;
    },
    open: (product: StorageDb): ListingDiffer => world.track(openListingDiffer(product)),
  };
  return world;
}
