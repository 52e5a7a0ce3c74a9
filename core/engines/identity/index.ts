import type { Engine } from '../engine';
import { identityCli } from './identity-cli';
import type { IdentityParams } from './identity-params';
import { identityEngine as core } from './identity.engine';
import { identitySchedule } from './identity-schedule';
import { identityModes } from './identity-results';
import { identityHandlers } from './identity.handlers';

/**
 * The identity engine as the console knows it: its computation (./identity.engine.ts) and
 * the parts the shared layers read (engine-policies.ts). Nothing outside this
 * folder imports anything but this file (issue 17).
 */
export const identityEngine: Engine<IdentityParams> = {
  ...core,

  // modes and result schemas
  modes: identityModes,

  // contract handlers
  handlers: identityHandlers,

  // schedule policy
  schedule: identitySchedule,

  // notifications

  // CLI
  cli: identityCli,
};
