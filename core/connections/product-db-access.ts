import { AppDbConfigSchema } from '../api/connections';
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
      const product = await openAppDbNow();
      try {
        return await work(product);
      } finally {
        await product.db.close();
      }
    },
  };
}
