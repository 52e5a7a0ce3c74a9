import type { Engine } from '../engine';
import type { SheetImportParams } from './sheet-import.engine';
import { sheetImportEngine as core } from './sheet-import.engine';
import { sheetCli } from './sheet-cli';
import { sheetSchedule } from './sheet-schedule';
import { sheetImportModes } from './sheet-results';
import { createSheetHandlers } from './sheets.handlers';

/**
 * The sheet-import engine as the console knows it: its computation (./sheet-import.engine.ts) and
 * the parts the shared layers read (engine-policies.ts). Nothing outside this
 * folder imports anything but this file (issue 17).
 */
export const sheetImportEngine: Engine<SheetImportParams> = {
  ...core,

  // modes and result schemas
  modes: sheetImportModes,

  // contract handlers
  handlers: createSheetHandlers,

  // schedule policy
  schedule: sheetSchedule,

  // notifications
  notify: { route: '/sheets', announceLongRun: (params) => params.mode !== 'check' },

  // CLI
  cli: sheetCli,

  // renderer metadata
  ui: {
    resultSummary: [
      { key: 'rows', text: '{n} row{s} cached', always: true },
      { key: 'rowsValid', text: '{n} valid row{s}', always: true },
      { key: 'counts.added', text: '{n} to add' },
      { key: 'counts.changed', text: '{n} to change' },
      { key: 'counts.removed', text: '{n} to remove' },
      { key: 'rowsRejected', text: '{n} rejected' },
      { key: 'counts.rejected', text: '{n} rejected' },
    ],
    findingKinds: { 'invalid-row': 'Invalid row' },
    // The one action sheet-import.engine.ts writes, when an import replaces a source's cache table.
    auditActions: { 'sheet-import.replace-cache': 'Replaced the cached sheet rows' },
  },
};

// For outsiders that need more than the descriptor (bench/sheet-import.bench.ts builds its emulator's sheet with the engine's own CSV line).
export { csvLine, TARGET_WINDOW_BYTES } from './download-sheets';
