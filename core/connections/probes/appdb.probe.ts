import type { z } from 'zod';
import type { AppDbConfigSchema } from '../../api/connections';
import type { AppDbAdapter } from '../../appdb/adapter';
import { findMappingProblems, InvalidMappingError, resolveMapping } from '../../appdb/mapping';
import { openPostgresAppDb } from '../../appdb/postgres.adapter';
import { openSqliteAppDb } from '../../appdb/sqlite.adapter';
import type { ConnectionCheck } from '../../connectors/shared/connection-check';
import type { ConnectionSettings } from '../probe';

type AppDbConfig = z.output<typeof AppDbConfigSchema>;

export function openAppDb(config: AppDbConfig, secrets: Record<string, string>): AppDbAdapter {
  if (config.driver === 'sqlite') return openSqliteAppDb({ path: config.path });
  return openPostgresAppDb({
    connectionString: config.url,
    ...(secrets.password === undefined ? {} : { password: secrets.password }),
    ssl: { mode: config.sslMode, ...(config.sslCa ? { ca: config.sslCa } : {}) },
  });
}

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
