import { afterEach } from 'vitest';
import { openStore, type Store } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';
import { storeSuite } from './store-suite';

const opened: Store[] = [];
const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) dir.remove();
});

storeSuite({
  dialect: 'sqlite',
  async fresh() {
    const dir = makeTempDir();
    dirs.push(dir);
    const store = await openStore(dir.path);
    opened.push(store);
    return store;
  },
  // better-sqlite3 waits for a lock synchronously, so a second connection in this same thread would wait
  // on itself: the races run on the one store here (processes sharing a file: runs-busy-store.test.ts).
  async twin() {
    const store = opened.at(-1)!;
    return { ...store, close: async () => undefined };
  },
});
