import { ApiError } from '../../api/errors';
import { ProductDbUnavailable } from '../../appdb/product-db';
import type { EngineHost } from '../engine';
import type { HandlerTable } from '../engine-policies';
import { ENGINE_ID } from './mail-model';
import { readMailSettings, UnknownMailUser, updateMailSettings } from './mail-settings';

/**
 * `mail.settings`: each user's Gmail import settings, read from the product
 * database. Without a product database there is simply nothing to show.
 * `mail.settings.update`: the Mail page's switch and interval, written to the
 * product's own row (what the product's save-auto-sync does) and audited like
 * every other write of the console into the product database.
 */
export function createMailHandlers(host: EngineHost): Pick<HandlerTable, 'mail.settings' | 'mail.settings.update'> {
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
    'mail.settings.update': async (input) => {
      let change;
      try {
        change = await host.connections.withAppDb(({ db, mapping }) => updateMailSettings(db, mapping, input));
      } catch (error) {
        if (error instanceof UnknownMailUser) throw new ApiError('not-found', error.message);
        if (error instanceof ProductDbUnavailable) throw new ApiError('unavailable', `No product database to write to: ${error.message}`);
        throw new ApiError('unavailable', `Saving mail settings in the product database failed: ${(error as Error).message}`);
      }
      const { before, after } = change;
      // The user's email stands in the images (unchanged, so the diff folds it away): the audit log's search by user
      // finds an entry by a whole value of its images, and an admin searches by the email she knows, not the row id.
      const pick = (row: typeof before) => (row ? { ...(row.email === null ? {} : { email: row.email }), enabled: row.enabled, intervalMinutes: row.intervalMinutes } : null);
      await host.store.audit.append({ at: host.clock.now().toISOString(), actor: 'manual', engine: ENGINE_ID, runId: null, action: 'mail-settings-update', subject: input.userId, before: pick(before), after: pick(after) });
      return after;
    },
  };
}
