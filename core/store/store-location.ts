import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { credentialInPostgresUrl } from '../api/url-credentials';
import { isOwnFile } from './data-dir';
import { SecretStoreUnavailable, type SecretStore } from '../secrets/secret-store';

/**
 * Where the console store lives: a SQLite file in the data dir (a desktop console) or a
 * PostgreSQL database (team mode). Chosen, first found wins, by the `--store` option,
 * SYNCWARDEN_STORE, then the pointer file the Settings choice writes in the data dir (the
 * store cannot hold its own location), else the data dir's SQLite store.
 */
export type StoreLocation = { readonly dialect: 'sqlite'; readonly dataDir: string } | { readonly dialect: 'postgres'; readonly url: string };

export type StoreLocationSource = 'option' | 'environment' | 'settings' | 'default';

export const STORE_ENV = 'SYNCWARDEN_STORE';
export const STORE_POINTER_FILE = 'store-location.json';

export const STORE_PASSWORD_MESSAGE =
  'leave the password out of the store URL: Syncwarden takes it from the OS keychain (saved by the Settings Store choice or `syncwarden store init`) or, on a headless server, from the PGPASSWORD environment variable';

export class StoreLocationError extends Error {
  readonly code = 'store-location';
  constructor(message: string) {
    super(message);
    this.name = 'StoreLocationError';
  }
}

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value.trim());
}

/** A `postgres://` URL (refused when it carries a credential) or a data dir path. */
export function parseStoreLocation(value: string, baseDir = process.cwd()): StoreLocation {
  const text = value.trim();
  if (!text) throw new StoreLocationError('the store location is empty: give a data directory or a postgres:// URL');
  if (!isPostgresUrl(text)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new StoreLocationError(`a store is a data directory or a postgres:// URL, not ${text.split('://')[0]}://`);
    return { dialect: 'sqlite', dataDir: resolve(baseDir, text) };
  }
  let credential: string | undefined;
  try {
    credential = credentialInPostgresUrl(text);
  } catch {
    throw new StoreLocationError('the store URL is not a valid postgres:// URL');
  }
  if (credential) throw new StoreLocationError(`the store URL holds a credential (${credential}): ${STORE_PASSWORD_MESSAGE}`);
  const url = new URL(text);
  if (!url.hostname && !url.searchParams.get('host')) throw new StoreLocationError('the store URL names no host');
  if (url.pathname.replace(/^\//, '') === '') throw new StoreLocationError('the store URL names no database: postgres://user@host:5432/DATABASE');
  return { dialect: 'postgres', url: text };
}

/** How a location is shown to an admin and in messages (never holds a password: parse refused it). */
export function describeStoreLocation(location: StoreLocation): string {
  return location.dialect === 'sqlite' ? location.dataDir : location.url;
}

export interface ResolveStoreOptions {
  /** The `--store` option, when given. */
  option?: string;
  env?: NodeJS.ProcessEnv;
  dataDir: string;
}

export function resolveStoreLocation(options: ResolveStoreOptions): { location: StoreLocation; source: StoreLocationSource } {
  const env = options.env ?? process.env;
  if (options.option?.trim()) return { location: parseStoreLocation(options.option), source: 'option' };
  const fromEnv = env[STORE_ENV]?.trim();
  if (fromEnv) return { location: parseStoreLocation(fromEnv), source: 'environment' };
  const pointed = readStorePointer(options.dataDir);
  if (pointed) return { location: pointed, source: 'settings' };
  return { location: { dialect: 'sqlite', dataDir: options.dataDir }, source: 'default' };
}

/** The Settings choice, or null when none was made (the data dir's own SQLite store). */
export function readStorePointer(dataDir: string): StoreLocation | null {
  const file = join(dataDir, STORE_POINTER_FILE);
  if (!existsSync(file)) return null;
  // Only our own file decides where the store is: another user's could send the store (and its password) to their server.
  if (!isOwnFile(file)) throw new StoreLocationError(`${file} is not this user's own file (a link, a hard link, or another user's): move it away to use the data directory's own store`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new StoreLocationError(`${file} is not readable JSON: fix or delete it to use the data directory's own store`);
  }
  const store = (parsed as { store?: unknown } | null)?.store;
  if (typeof store !== 'string') throw new StoreLocationError(`${file} names no store: fix or delete it to use the data directory's own store`);
  return parseStoreLocation(store, dataDir);
}

/** Writes (or, with null, removes) the pointer atomically, private to the user. */
export function writeStorePointer(dataDir: string, location: StoreLocation | null): void {
  const file = join(dataDir, STORE_POINTER_FILE);
  if (location === null) {
    rmSync(file, { force: true });
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  // A new file (wx: never an old one, nor through a link left in its place), 0600 from birth.
  rmSync(temp, { force: true });
  writeFileSync(temp, `${JSON.stringify({ store: describeStoreLocation(location), savedAt: new Date().toISOString() }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temp, file);
}

/** The keychain entry of a PostgreSQL store's password: one per user@host:port/database. */
export function storePasswordKey(url: string): string {
  const parsed = new URL(url);
  return `store/${decodeURIComponent(parsed.username)}@${parsed.host}${parsed.pathname}/password`;
}

/** PGPASSWORD when set (headless), else the keychain's entry for this store, else none (trust, peer or cert auth). */
export async function storePassword(url: string, secrets: SecretStore | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.PGPASSWORD) return env.PGPASSWORD;
  try {
    return (await secrets?.get(storePasswordKey(url))) ?? undefined;
  } catch (error) {
    // No keychain here (a headless machine): connect without a password; a refused login then says where it goes.
    if (error instanceof SecretStoreUnavailable) return undefined;
    throw error;
  }
}
