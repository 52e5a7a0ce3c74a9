import { ApiError } from '../../api/errors';
import { ProductDbUnavailable } from '../../appdb/product-db';
import type { EngineHost } from '../engine';
import type { HandlerTable } from '../engine-policies';
import { readMailSettings } from './mail-settings';

/**
 * `mail.settings`: each user's Gmail import settings, read from the product
 * database (they are the product's own, the console only shows them). Without
 * a product database there is simply nothing to show.
 */
export function createMailHandlers(host: EngineHost): Pick<HandlerTable, 'mail.settings'> {
  return {
    'mail.settings': async ({ limit, offset }) => {
      try {
        const page = await host.connections.withAppDb(({ db, mapping }) => readMailSettings(db, mapping, limit, offset)).catch((error: unknown) => {
          if (error instanceof ProductDbUnavailable) return null;
          throw error;
        });
        return { items: page?.items ?? [], total: page?.total ?? 0, limit, offset };
      } catch (error) {
        throw new ApiError('unavailable', `Reading mail settings from the product database failed: ${(error as Error).message}`);
      }
    },
  };
}
