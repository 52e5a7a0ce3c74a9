import { z } from 'zod';
import { createCloudinaryConnector } from '../../connectors/cloudinary/cloudinary.connector';
import type { Engine } from '../engine';
import { BudgetGuard } from './media-budget';
import { runCheck } from './media-check';
import { MediaDb } from './media-db';
import { usersBase } from './media-folders';
import { ENGINE_ID } from './media-model';
import { MediaImportParams, scopeOf } from './media-params';
import { runRepair } from './media-repair';
import { readBudget } from './media-state';

const CloudinaryConfig = z.object({ cloudName: z.string(), apiKey: z.string(), rootFolder: z.string().default(''), apiBaseUrl: z.string().optional(), deliveryBaseUrl: z.string().optional() });

export const mediaImportEngine: Engine<MediaImportParams> = {
  id: ENGINE_ID,
  title: 'Media import',
  description: 'Finds Cloudinary videos and clips under <root>/users/<email>/ that have no row in the product database, and imports them.',
  phases: [
    { id: 'scan', label: 'Listing Cloudinary folders', weight: 60 },
    { id: 'compare', label: 'Comparing with the database', weight: 15 },
    { id: 'import', label: 'Importing rows', weight: 25 },
  ],
  params: MediaImportParams,
  scopeOf,

  async run(params, context, controls) {
    const { db, mapping } = await context.resources.appDb();
    const media = new MediaDb(db, mapping);
    if (params.mode === 'repair') return runRepair(params, context, controls, media);

    const resolved = await context.resources.connection('cloudinary', params.connection);
    const config = CloudinaryConfig.parse(resolved.config);
    const apiSecret = resolved.secrets.apiSecret;
    if (!apiSecret) throw new Error(`The Cloudinary connection "${resolved.name}" has no API secret: add it on the Connections page.`);
    const guard = new BudgetGuard(params.budgetShare, await readBudget(context.resources.state), context.clock.now());
    const connector = createCloudinaryConnector({
      cloudName: config.cloudName,
      apiKey: config.apiKey,
      apiSecret,
      ...(config.apiBaseUrl ? { uploadPrefix: config.apiBaseUrl } : {}),
      ...(config.deliveryBaseUrl ? { deliveryBase: config.deliveryBaseUrl } : {}),
      policy: {
        onRequest: () => {
          guard.calls++;
          context.apiCalls.record('cloudinary');
        },
      },
    });
    // A check stopped by the budget returns complete: false, so it does not supersede the last complete one.
    return runCheck(params, scopeOf(params), context, controls, { connector, db: media, base: usersBase(config.rootFolder), guard });
  },
};
