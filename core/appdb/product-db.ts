import type { z } from 'zod';
import type { AppDbConfigSchema } from '../api/connections';
import { ApiError } from '../api/errors';
import type { StoredConnection } from '../store/connections.repo';
import type { AppDbAdapter } from './adapter';
import type { ResolvedMapping } from './mapping';

/** An `appdb` connection's settings, as its schema parses them. */
export type AppDbConfig = z.output<typeof AppDbConfigSchema>;

/**
 * The product database, opened through its one connection. Whoever opened it
 * closes `db` (ConnectionsService.withAppDb does it for a single piece of work).
 */
export interface ProductDb {
  db: AppDbAdapter;
  mapping: ResolvedMapping;
  /** The connection's settings, typed. */
  config: AppDbConfig;
  /** The connection it was opened through, with its secret values: for engines, never for the renderer. */
  connection: { id: number; name: string; kind: 'appdb'; config: Record<string, unknown>; secrets: Record<string, string> };
}

/** What every reader of the product database may do with it: open it for one piece of work, or keep it open. */
export interface ProductDbAccess {
  /** Opens the one product database for `work` and closes it afterwards, whatever `work` does. */
  withAppDb<T>(work: (product: ProductDb) => Promise<T>): Promise<T>;
  /** Opens the product database (the one connection, or the one given); the caller closes it. */
  openAppDb(connection?: StoredConnection): Promise<ProductDb>;
  /** The one product-database connection, without opening it (a long-lived reader keys its open handle on it). */
  appDbConnection(): Promise<StoredConnection>;
}

/** What engines may use of the connections service: the product database, and one connection's secret values. */
export interface ConnectionsAccess extends ProductDbAccess {
  settings(connection: StoredConnection): Promise<{ config: Record<string, unknown>; secrets: Record<string, string> }>;
}

export type ProductDbRefusal = 'none' | 'several';

/**
 * There is not exactly one usable product-database connection: the console
 * never guesses which database is the product's.
 */
export class ProductDbUnavailable extends ApiError {
  constructor(readonly reason: ProductDbRefusal) {
    super('unavailable', REFUSALS[reason], { reason });
    this.name = 'ProductDbUnavailable';
  }
}

const REFUSALS: Record<ProductDbRefusal, string> = {
  none: 'No product database connection is set up: add one on the Connections page.',
  several: 'There are several product database connections: keep one.',
};
