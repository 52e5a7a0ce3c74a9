import type { StorageProvider } from '../../api/storage';

export const ENGINE_ID = 'storage-orphans';

/** orphan: the cloud file is gone (Drive 404 notFound, Dropbox path/not_found); trashed: Drive says `trashed: true`. */
export const FINDING_KINDS = { orphan: 'orphan', trashed: 'trashed' } as const;
export type StorageFindingKind = (typeof FINDING_KINDS)[keyof typeof FINDING_KINDS];

/** The API-call counter's service names (as the other engines name them). */
export const SERVICE_OF: Record<StorageProvider, string> = { google: 'google-drive', dropbox: 'dropbox' };
export const PROVIDER_LABEL: Record<StorageProvider, string> = { google: 'Google Drive', dropbox: 'Dropbox' };

/** Largest page each listing API allows (api-facts §8): the floor of a full pass is ceil(files / this). */
export const MAX_PAGE_SIZE: Record<StorageProvider, number> = { google: 1000, dropbox: 2000 };

/** DESIGN §4.3: automatic runs delete at most this many rows, or this share of a user's files, whichever is smaller. */
export const AUTO_REPAIR_MAX_ROWS = 50;
export const AUTO_REPAIR_MAX_SHARE = 0.1;

/** How long a quarantined row stays restorable. */
export const DEFAULT_RETENTION_DAYS = 30;

export const subjectOf = (fileRowId: string) => `file:${fileRowId}`;

/** One file row of the product's files table (canonical columns). */
export interface FileRow {
  id: string;
  userId: string;
  provider: StorageProvider;
  providerFileId: string;
  name: string | null;
  size: number | null;
}

/** One (user, provider) storage account as the product database has it. */
export interface StorageAccount {
  accountId: string;
  userId: string;
  email: string | null;
  name: string | null;
  provider: StorageProvider;
  autoSync: boolean;
  deleteAfterSync: boolean;
  needsReconnect: boolean;
}

export function isStorageProvider(value: unknown): value is StorageProvider {
  return value === 'google' || value === 'dropbox';
}
