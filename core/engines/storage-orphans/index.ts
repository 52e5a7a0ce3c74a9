import type { Engine } from '../engine';
import { storageCli } from './storage-cli';
import { storageNotify } from './storage-notify';
import type { StorageOrphansParams } from './storage-params';
import { storageOrphansEngine as core } from './storage-orphans.engine';
import { storageSchedule } from './storage-schedule';
import { storageOrphansModes } from './storage-results';
import { createStorageHandlers } from './storage.handlers';
import { DEFAULT_RETENTION_DAYS } from './storage-model';

/**
 * The storage-orphans engine as the console knows it: its computation (./storage-orphans.engine.ts) and
 * the parts the shared layers read (engine-policies.ts). Nothing outside this
 * folder imports anything but this file (issue 17).
 */
export const storageOrphansEngine: Engine<StorageOrphansParams> = {
  ...core,

  // modes and result schemas
  modes: storageOrphansModes,

  // contract handlers
  handlers: createStorageHandlers,

  // schedule policy
  schedule: storageSchedule,

  // notifications
  notify: storageNotify,

  // CLI
  cli: storageCli,

  // renderer metadata
  ui: {
    resultSummary: [
      { key: 'accounts', text: '{n} account{s}' },
      { key: 'filesChecked', text: '{n} file{s} checked' },
      { key: 'orphans', text: '{n} orphan{s}', always: true },
      { key: 'trashed', text: '{n} in the trash' },
      { key: 'quarantined', text: '{n} row{s} quarantined', always: true },
      { key: 'repaired', text: '{n} row{s} quarantined' },
      { key: 'itemsFailed', text: '{n} failed' },
    ],
    findingKinds: { orphan: 'File gone', trashed: 'File trashed' },
    findingName: ['fileName'],
    // storage-repair.ts: the before-image is the quarantined rows, each whole (quarantine-row.ts).
    auditRows: { 'quarantine-files': { table: 'files', done: 'quarantined', noun: 'file', nameKey: 'name' } },
    // The actions storage-repair.ts, storage-restore.ts and storage-purge.ts write.
    auditActions: {
      'quarantine-files': 'Quarantined file rows',
      'restore-file': 'Restored a quarantined file row',
      'purge-quarantined-files': 'Purged quarantined file rows',
    },
    autoRepairRemoves: {
      effect: 'checks the files and quarantines the rows whose file is gone, at most 50 rows or 10 % of a user’s files (the safety guard); more are left for you on the Storage page',
      noun: 'file row',
      undoDays: DEFAULT_RETENTION_DAYS,
      how: 'Restore on the Storage page puts a quarantined row back as it was.',
    },
    findingActions: {
      repair: { label: 'Quarantine the row', statuses: ['open'], confirm: 'quarantine', effect: 'Moves the file row into quarantine.', undo: 'Restore puts the row back as it was.' },
      restore: { label: 'Restore the row', statuses: ['quarantined'] },
    },
  },
};
