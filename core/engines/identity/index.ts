import type { Engine } from '../engine';
import type { IdentityParams } from './identity-params';
import { identityEngine as core } from './identity.engine';
import { identityHandlers } from './identity.handlers';

/**
 * The identity engine as the console knows it: its computation (./identity.engine.ts) and
 * the parts the shared layers read (engine-policies.ts). Nothing outside this
 * folder imports anything but this file (issue 17).
 */
export const identityEngine: Engine<IdentityParams> = {
  ...core,

  // modes and result schemas

  // contract handlers
  handlers: identityHandlers,

  // schedule policy

  // notifications

  // CLI
};
