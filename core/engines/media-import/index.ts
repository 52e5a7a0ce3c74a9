import type { Engine } from '../engine';
import type { MediaImportParams } from './media-params';
import { mediaImportEngine as core } from './media-import.engine';
import { everyUserSchedule } from '../every-user-schedule';
import { mediaImportModes } from './media-results';
import { createMediaHandlers } from './media.handlers';

/**
 * The media-import engine as the console knows it: its computation (./media-import.engine.ts) and
 * the parts the shared layers read (engine-policies.ts). Nothing outside this
 * folder imports anything but this file (issue 17).
 */
export const mediaImportEngine: Engine<MediaImportParams> = {
  ...core,

  // modes and result schemas
  modes: mediaImportModes,

  // contract handlers
  handlers: createMediaHandlers,

  // schedule policy
  schedule: everyUserSchedule(core.id),

  // notifications

  // CLI
  cli: { commands: ['check', 'repair'], user: { as: 'email' } },

  // renderer metadata
  ui: {
    resultSummary: [
      { key: 'assets', text: '{n} asset{s}' },
      { key: 'users', text: '{n} user{s}' },
      { key: 'stoppedBy', text: 'stopped early ({n}), resumes next check' },
      { key: 'assetsListed', text: '{n} asset{s} listed' },
      { key: 'resumed', text: 'resumed' },
      { key: 'inserted', text: '{n} row{s} imported', always: true },
      { key: 'alreadyPresent', text: '{n} already there' },
      { key: 'itemsFailed', text: '{n} failed' },
    ],
    findingKinds: {
      'missing-in-db': 'Asset, no row',
      'missing-in-cloudinary': 'Row, no asset',
      mismatch: 'Row ≠ asset',
      'unknown-owner': 'Unknown owner',
      'unlinked-clip': 'Orphan clip',
    },
    findingName: ['asset.title', 'name', 'publicId'],
    findingActions: {
      repair: { label: 'Import the asset', statuses: ['open'], confirm: 'plain', effect: 'Writes the missing row for this asset into the product database; the asset itself is not touched.', undo: null },
    },
    // The actions media-repair.ts writes, one per batch: import-${kind}s.
    auditActions: { 'import-videos': 'Imported video rows', 'import-clips': 'Imported clip rows' },
  },
};
