import { AppDbConfigSchema } from '../api/connections';
import { ApiError } from '../api/errors';
import { resolveMapping } from '../appdb/mapping';
import { openAppDb } from '../appdb/open-app-db';
import { ProductDbUnavailable, type AppDbConfig, type ProductDb, type ProductDbAccess } from '../appdb/product-db';
import type { StoredConnection } from '../store/connections.repo';
import type { ConnectionSettings } from './probe';

interface ProductDbDeps {
  list(): Promise<StoredConnection[]>;
  settings(connection: StoredConnection): Promise<ConnectionSettings>;
}

/**
 * Console calls (withAppDb: people lookups and searches, settings pages, the CLI's --user) holding a product
 * database open at once, in this process, whatever the number of clients and tabs. Each is a pool whose
 * sockets open one per query in flight, and a console call asks one query at a time, so this bounds the sockets
 * console calls hold: a product database that stopped answering keeps each for PRODUCT_QUERY_TIMEOUT_MS (5 min),
 * and one client sending searches used to hold one per call it had alive (~1,000). Runs open their own
 * (openAppDb) and are bounded by their scopes' single flight.
 */
export const MAX_CONSOLE_APPDB_CALLS = 4;
/** How long a console call waits for one of MAX_CONSOLE_APPDB_CALLS before it is refused as `unavailable`. */
export const CONSOLE_APPDB_WAIT_MS = 5_000;

/**
 * The one way to reach the product database: find its single connection,
 * read its settings and secrets, open it and resolve its mapping. Handlers,
 * the scheduler and runs all come through here, so "none" and "several" are
 * refused alike everywhere and nobody casts the stored settings.
 */
export function productDbAccess(deps: ProductDbDeps): ProductDbAccess {
  const appDbConnection = async (): Promise<StoredConnection> => {
    const found = (await deps.list()).filter((c) => c.kind === 'appdb');
    const [only] = found;
    // The console never guesses which database is the product's.
    if (found.length > 1) throw new ProductDbUnavailable('several');
    if (!only) throw new ProductDbUnavailable('none');
    return only;
  };

  const openAppDbNow = async (given?: StoredConnection): Promise<ProductDb> => {
    const connection = given ?? (await appDbConnection());
    // The one place the stored settings are typed: an appdb connection's config is AppDbConfigSchema's output
    // (the contract parses it before it is saved), and every reader gets it typed from here. Parsed again so the
    // schema's defaults hold for a config stored without one (a missing sslMode is `disable`, never the adapter's
    // verify-full); one the schema refuses (saved without the contract, as tests and the demo do) is used as given.
    const parsed = AppDbConfigSchema.safeParse(connection.config);
    const config = parsed.success ? parsed.data : (connection.config as AppDbConfig);
    const { secrets } = await deps.settings(connection);
    const mapping = resolveMapping(config.mapping ?? {});
    return {
      db: openAppDb(config, secrets),
      mapping,
      config,
      connection: { id: connection.id, name: connection.name, kind: 'appdb', config: connection.config, secrets },
    };
  };

  return {
    appDbConnection,
    openAppDb: openAppDbNow,
    async withAppDb(work) {
      const release = await consoleCalls.acquire();
      try {
        const product = await openAppDbNow();
        try {
          return await work(product);
        } finally {
          await product.db.close();
        }
      } finally {
        release();
      }
    },
  };
}

/**
 * Process-wide (module state on purpose: the bound is on sockets of this process, and an app, a test app and
 * the CLI in one process share them). FIFO; a waiter past CONSOLE_APPDB_WAIT_MS is refused, so a call never
 * waits for ever behind reads of a database that does not answer.
 */
const consoleCalls = (() => {
  let held = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else held -= 1;
  };
  return {
    acquire(): Promise<() => void> {
      if (held < MAX_CONSOLE_APPDB_CALLS) {
        held += 1;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve, reject) => {
        // The slot passes straight from a releasing call to this waiter (held stays the same).
        const take = () => {
          clearTimeout(timer);
          resolve(once(release));
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(take), 1);
          reject(new ApiError('unavailable', `The product database is busy: ${MAX_CONSOLE_APPDB_CALLS} console reads have been waiting on it for over ${CONSOLE_APPDB_WAIT_MS / 1000} s (it may have stopped answering). Try again later.`));
        }, CONSOLE_APPDB_WAIT_MS);
        waiting.push(take);
      });
    },
  };
})();

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
