import type { ProbeRegistry } from '../probe';
import { probeAppDb } from './appdb.probe';

/** How each kind of connection is tested: one cheap authenticated call through the real client. */
export function defaultProbes(): ProbeRegistry {
  return {
    appdb: probeAppDb,
  };
}
