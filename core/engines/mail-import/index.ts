import type { Engine } from '../engine';
import type { MailImportParams } from './mail-params';
import { mailImportEngine as core } from './mail-import.engine';
import { mailSchedule } from './mail-schedule';
import { mailImportModes } from './mail-results';
import { createMailHandlers } from './mail.handlers';
import { mailCli } from './mail-cli';

/**
 * The mail-import engine as the console knows it: its computation (./mail-import.engine.ts) and
 * the parts the shared layers read (engine-policies.ts). Nothing outside this
 * folder imports anything but this file (issue 17).
 */
export const mailImportEngine: Engine<MailImportParams> = {
  ...core,

  // modes and result schemas
  modes: mailImportModes,

  // contract handlers
  handlers: createMailHandlers,

  // schedule policy
  schedule: mailSchedule,

  // notifications
  notify: { announceLongRun: (params) => params.mode !== 'check' },

  // CLI
  cli: mailCli,

  // renderer metadata
  ui: {
    resultSummary: [
      { key: 'users', text: '{n} user{s}', always: true },
      { key: 'imported', text: '{n} message{s} imported', always: true },
      { key: 'wouldImport', text: '{n} message{s} to import', always: true },
      { key: 'outcomes.needs-reconnect', text: '{n} need to reconnect' },
      { key: 'itemsFailed', text: '{n} failed' },
    ],
    // An import adds mail rows and moves a user's cursor; it writes no audit entry today. An action it
    // comes to write (a settings change from the Mail page) is labelled here.
    auditActions: {},
  },
};
