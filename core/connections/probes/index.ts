import type { ProbeRegistry } from '../probe';
import { probeAppDb } from './appdb.probe';
import { probeCloudinary, probeDropbox, probeGoogle, probeSupabase } from './service.probes';

/** How each kind of connection is tested: one cheap authenticated call through the real client. */
export function defaultProbes(): ProbeRegistry {
  return {
    appdb: probeAppDb,
    cloudinary: probeCloudinary,
    dropbox: probeDropbox,
    google: probeGoogle,
    supabase: probeSupabase,
  };
}
