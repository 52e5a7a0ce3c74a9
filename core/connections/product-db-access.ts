import { AppDbConfigSchema } from '../api/connections';
import { resolveMapping } from '../appdb/mapping';
import { openAppDb } from '../appdb/open-app-db';
import { ProductDbUnavailable, type ProductDb, type ProductDbAccess } from '../appdb/product-db';
import type { StoredConnection } from '../store/connections.repo';
import type { ConnectionSettings } from './probe';

interface ProductDbDeps {
  list(): StoredConnection[];
  settings(connection: StoredConnection): Promise<ConnectionSettings>;
}

/**
 * The one way to reach the product database: find its single connection,
 * read its settings and secrets, open it and resolve its mapping. Handlers,
 * the scheduler and runs all come through here, so "none" and "several" are
 * refused alike everywhere and nobody casts the stored settings.
 */
export function productDbAccess(deps: ProductDbDeps): ProductDbAccess {
  const appDbConnection = (): StoredConnection => {
    const found = deps.list().filter((c) => c.kind === 'appdb');
    const [only] = found;
    // The console never guesses which database is the product's.
    if (found.length > 1) throw new ProductDbUnavailable('several');
    if (!only) throw new ProductDbUnavailable('none');
    return only;
  };

  const openAppDbNow = async (connection: StoredConnection = appDbConnection()): Promise<ProductDb> => {
    // Settings are validated when saved; parsing them again here types them once, instead of a cast in every reader.
    const parsed = AppDbConfigSchema.safeParse(connection.config);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'invalid';
      throw new ProductDbUnavailable('invalid', `The product database connection "${connection.name}" has settings this version cannot read (${problem}): fix them on the Connections page.`);
    }
    const { secrets } = await deps.settings(connection);
    const mapping = resolveMapping(parsed.data.mapping ?? {});
    return {
      db: openAppDb(parsed.data, secrets),
      mapping,
      config: parsed.data,
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
