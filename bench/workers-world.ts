import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { initCanonicalSchema } from '../core/appdb/ddl';
import { openPostgresAppDb } from '../core/appdb/postgres.adapter';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { PG_PASSWORD, startPostgres, type TestPostgres } from '../tests/helpers/postgres-server';
import { startChild } from './emulator-child';
import { seedMailProduct } from './mail-import-fixture';

/**
 * The workers benchmark's world: one throwaway PostgreSQL 15 cluster (the
 * team store and the product database both live there, as in a team set-up
 * with the product on its own server), and the Google emulator in a child
 * process with N mailboxes and a network latency per call. Each round gets
 * a fresh store database and a fresh product database, so every round imports
 * the same first pass from the same state.
 */
export interface WorkersWorld {
  readonly pg: TestPostgres;
  readonly google: { url: string; rootUrl: string; tokenUrl: string };
  /** Connection names and the environment every process of the team reads its secrets from. */
  readonly env: Record<string, string>;
  round(name: string): Promise<WorkersRound>;
  close(): Promise<void>;
}

export interface WorkersRound {
  /** The team store's database URL (password included: only this throwaway cluster's). */
  readonly storeUrl: string;
  /** The product database, as the appdb connection names it (its password comes from the environment). */
  readonly productUrl: string;
  /** The product database with the password, for the benchmark's own SQL. */
  readonly productAdminUrl: string;
}

export const PRODUCT_CONNECTION = 'Product';
export const GOOGLE_CONNECTION = 'Google';

export async function startWorkersWorld(users: number, perUser: number, latencyMs: number): Promise<WorkersWorld> {
  const pg = await startPostgres();
  let child: ChildProcess | undefined;
  try {
    const started = await startChild<{ url: string; rootUrl: string; tokenUrl: string }>(join(__dirname, 'mail-import-emulator.child.ts'), [String(users), String(perUser), '-', String(latencyMs)]);
    child = started.child;
    const google = started.ready;
    return {
      pg,
      google,
      env: {
        SYNCWARDEN_SECRETS: 'env',
        // The team store's password (store-location.ts): never in a --store URL.
        PGPASSWORD: PG_PASSWORD,
        SYNCWARDEN_SECRET_NAME_PRODUCT_PASSWORD: PG_PASSWORD,
        SYNCWARDEN_SECRET_NAME_GOOGLE_CLIENTSECRET: TEST_CLIENT.clientSecret,
      },
      async round(name) {
        const storeUrl = await pg.createDatabase(`store_${name}`);
        const productAdminUrl = await pg.createDatabase(`product_${name}`);
        const db = openPostgresAppDb({ connectionString: productAdminUrl, maxConnections: 1 });
        try {
          await initCanonicalSchema(db);
          await seedMailProduct(db, users);
        } finally {
          await db.close();
        }
        return { storeUrl, productAdminUrl, productUrl: `postgres://postgres@127.0.0.1:${pg.port}/product_${name}` };
      },
      async close() {
        child?.kill();
        await pg.stop();
      },
    };
  } catch (error) {
    child?.kill();
    await pg.stop();
    throw error;
  }
}
