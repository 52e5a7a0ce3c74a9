import { LATEST_SCHEMA_VERSION } from './migrations';
import { migratePostgresStore, postgresSchemaVersion } from './postgres-migrate';
import { isConnectionLoss } from './connection-loss';
import { PostgresStoreDb } from './postgres-store-db';
import { STORE_PASSWORD_MESSAGE, storePasswordKey } from './store-location';

/** What a PostgreSQL store holds, read without changing it (store status, store.switch's check). */
export interface PostgresStoreProbe {
  dialect: 'postgres';
  location: string;
  /** 0: an empty database (init creates the schema). */
  schemaVersion: number;
  latestVersion: number;
  state: 'empty' | 'needs-migration' | 'ready' | 'too-new';
}

/** The admin's words for why a PostgreSQL store cannot be reached: host, credentials, database. */
export class StoreConnectError extends Error {
  readonly code = 'store-unreachable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreConnectError';
  }
}

export async function probePostgresStore(url: string, password: string | undefined): Promise<PostgresStoreProbe> {
  const db = new PostgresStoreDb({ connectionString: url, ...(password !== undefined ? { password } : {}), maxConnections: 1, connectTimeoutMs: 5000 });
  try {
    const version = await postgresSchemaVersion(db).catch((error: unknown) => {
      throw explainConnectError(error, url);
    });
    const state = version === 0 ? 'empty' : version > LATEST_SCHEMA_VERSION ? 'too-new' : version < LATEST_SCHEMA_VERSION ? 'needs-migration' : 'ready';
    return { dialect: 'postgres', location: url, schemaVersion: version, latestVersion: LATEST_SCHEMA_VERSION, state };
  } finally {
    await db.close();
  }
}

/** Creates or migrates a PostgreSQL store (store init): returns the version before and after. */
export async function initPostgresStore(url: string, password: string | undefined): Promise<{ before: number; version: number }> {
  const before = (await probePostgresStore(url, password)).schemaVersion;
  const db = new PostgresStoreDb({ connectionString: url, ...(password !== undefined ? { password } : {}), maxConnections: 1 });
  try {
    return { before, version: await migratePostgresStore(db, url) };
  } finally {
    await db.close();
  }
}

/** SQLSTATEs an admin can act on, said plainly; the driver's message stays as the cause. */
export function explainConnectError(error: unknown, url: string): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '28P01' || /password authentication failed|no password supplied|SASL/i.test(message)) {
    return new StoreConnectError(
      `the PostgreSQL store at ${url} refused the login (${message}). Set its password in the keychain entry "${storePasswordKey(url)}" (the Settings Store choice saves it) or, headless, in PGPASSWORD; ${STORE_PASSWORD_MESSAGE}.`,
      { cause: error },
    );
  }
  if (code === '3D000') return new StoreConnectError(`the database of ${url} does not exist: create it first (createdb), then run syncwarden store init`, { cause: error });
  // Refusals of the session itself, whatever the password: said as such, never as an unexpected error.
  if (code === '28000') return new StoreConnectError(`the PostgreSQL store at ${url} refused the login (${message}): check that the role may log in (LOGIN) and that pg_hba.conf lets it in from here`, { cause: error });
  if (code === '42501') return new StoreConnectError(`the PostgreSQL store at ${url} refused the session (${message}): grant this role CONNECT on the database`, { cause: error });
  if (typeof code === 'string' && code.startsWith('53')) {
    return new StoreConnectError(`the PostgreSQL store at ${url} cannot take a connection now (${message}): try again, or free connections (max_connections)`, { cause: error });
  }
  if (/does not support SSL/i.test(message)) {
    return new StoreConnectError(`the PostgreSQL store at ${url} does not offer TLS (${message}): enable ssl on the server, or drop sslmode from the URL on a trusted network`, { cause: error });
  }
  if (isConnectionLoss(error) || /ENOTFOUND|EAI_AGAIN|timeout|ETIMEDOUT|EHOSTUNREACH/i.test(message)) {
    return new StoreConnectError(`cannot reach the PostgreSQL store at ${url} (${message}): check the host, port and network`, { cause: error });
  }
  return error instanceof Error ? error : new Error(message);
}
