import type { z } from 'zod';
import type { AppDbConfigSchema } from '../api/connections';
import type { AppDbAdapter } from './adapter';
import { openPostgresAppDb } from './postgres.adapter';
import { openSqliteAppDb } from './sqlite.adapter';

/** Opens the product database an `appdb` connection describes (its password comes from the keychain). */
export function openAppDb(config: z.output<typeof AppDbConfigSchema>, secrets: Record<string, string>): AppDbAdapter {
  if (config.driver === 'sqlite') return openSqliteAppDb({ path: config.path });
  return openPostgresAppDb({
    connectionString: config.url,
    ...(secrets.password === undefined ? {} : { password: secrets.password }),
    ssl: { mode: config.sslMode, ...(config.sslCa ? { ca: config.sslCa } : {}) },
  });
}
