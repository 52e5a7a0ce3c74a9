import type { Engine } from '../engine';
import type { StorageOrphansParams } from './storage-params';
import { storageOrphansEngine as core } from './storage-orphans.engine';
import { createStorageHandlers } from './storage.handlers';

/**
 * The storage-orphans engine as the console knows it: its computation (./storage-orphans.engine.ts) and
 * the parts the shared layers read (engine-policies.ts). Nothing outside this
 * folder imports anything but this file (issue 17).
 */
export const storageOrphansEngine: Engine<StorageOrphansParams> = {
  ...core,

  // modes and result schemas

  // contract handlers
  handlers: createStorageHandlers,

  // schedule policy

  // notifications

  // CLI
};
