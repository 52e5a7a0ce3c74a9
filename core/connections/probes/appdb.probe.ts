import type { z } from 'zod';
import type { AppDbConfigSchema } from '../../api/connections';
import { findMappingProblems, InvalidMappingError, resolveMapping } from '../../appdb/mapping';
import { openAppDb } from '../../appdb/open-app-db';
import type { ConnectionCheck } from '../../connectors/shared/connection-check';
import type { ConnectionSettings } from '../probe';

type AppDbConfig = z.output<typeof AppDbConfigSchema>;

/** Reaches the database, then validates the mapping against it, naming every missing table and column. */
export async function probeAppDb(settings: ConnectionSettings): Promise<ConnectionCheck> {
  const config = settings.config as AppDbConfig;
  let mapping;
  try {
    mapping = resolveMapping(config.mapping ?? {});
  } catch (error) {
    if (error instanceof InvalidMappingError) return { ok: false, status: 'schema-mismatch', message: error.message, problems: error.problems };
    throw error;
  }
  const db = openAppDb(config, settings.secrets);
  try {
    const reach = await db.check();
    if (!reach.ok) return reach;
    const problems = await findMappingProblems(db, mapping);
    if (problems.length) {
      return { ok: false, status: 'schema-mismatch', message: `The database does not match the mapping: ${problems.join('; ')}`, problems };
    }
    return { ok: true, status: 'ok', message: `${reach.message}; every mapped table and column is present` };
  } finally {
    await db.close();
  }
}
