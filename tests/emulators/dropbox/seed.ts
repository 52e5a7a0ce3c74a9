import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a Dropbox emulator starts with: one app (key/secret) and any number of
 * accounts, each with its refresh tokens and its files and folders. Paths are
 * display paths ("/Photos/a.jpg"); missing parent folders are created, as
 * Dropbox itself does on upload.
 */
export interface DropboxSeed {
  app: { key: string; secret: string };
  accounts: DropboxSeedAccount[];
  /** `limit` used when list_folder gets none. The real default is unpublished (api-facts §10). */
  defaultLimit?: number;
}

export interface DropboxSeedAccount {
  accountId: string;
  email: string;
  displayName: string;
  refreshTokens: string[];
  /** Access tokens valid from the start (e.g. one the product already stored). */
  accessTokens?: { token: string; expiresInSeconds?: number }[];
  entries: DropboxSeedEntry[];
}

export interface DropboxSeedEntry {
  path: string;
  /** Default: "file". */
  tag?: 'file' | 'folder';
  id?: string;
  size?: number;
  rev?: string;
  /** ISO 8601 without milliseconds, e.g. "2024-05-01T10:00:00Z". */
  serverModified?: string;
}

/** The checked-in fixture: two accounts sharing one app. */
export function loadDropboxSeed(path = join(__dirname, 'fixtures', 'seed.json')): DropboxSeed {
  return JSON.parse(readFileSync(path, 'utf8')) as DropboxSeed;
}

/** `count` files spread over `folders` sub-folders of `root`: a bulk seed for paging tests. */
export function bulkEntries(root: string, count: number, folders = 1): DropboxSeedEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    path: `${root}/folder-${i % folders}/file-${String(i).padStart(6, '0')}.bin`,
    size: 1024 + i,
  }));
}
