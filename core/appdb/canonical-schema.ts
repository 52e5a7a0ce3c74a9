/**
 * The canonical schema: the logical entities engines work with, their
 * columns, and the default table and column names (documented in
 * docs/canonical-schema.md). A product with other names maps them
 * (mapping.ts); `syncwarden appdb init` creates exactly this schema.
 */
export type ColumnType = 'text' | 'integer' | 'bigint' | 'boolean' | 'real' | 'timestamp';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  notNull?: boolean;
  default?: string | number | boolean;
}

export interface EntitySpec {
  table: string;
  /** The unique, ordered column used for keyset paging and updates. */
  key: string;
  columns: Record<string, ColumnSpec>;
  /** Unique keys (logical column names): idempotent imports rely on them. */
  unique?: readonly (readonly string[])[];
  /** Plain indexes (logical column names) the engines' per-user reads rely on. */
  indexes?: readonly (readonly string[])[];
  /**
   * Expression indexes on `lower(column)` (logical column names): what serves a
   * case-insensitive lookup written `lower(col) = lower(?)` in SQLite and PostgreSQL.
   */
  lowerIndexes?: readonly string[];
  description: string;
}

const col = (name: string, type: ColumnType, extra: Omit<ColumnSpec, 'name' | 'type'> = {}): ColumnSpec => ({ name, type, ...extra });

/** Videos and clips share their Cloudinary-derived columns; clips add the parent video. */
function mediaColumns<Extra extends Record<string, ColumnSpec>>(extra: Extra) {
  return {
    id: col('id', 'text', { notNull: true }),
    userId: col('user_id', 'text', { notNull: true }),
    ...extra,
    publicId: col('public_id', 'text', { notNull: true }),
    title: col('title', 'text'),
    secureUrl: col('secure_url', 'text'),
    thumbnailUrl: col('thumbnail_url', 'text'),
    durationSeconds: col('duration_seconds', 'real'),
    bytes: col('bytes', 'bigint'),
    createdAt: col('created_at', 'timestamp'),
  };
}

export const CANONICAL_ENTITIES = {
  users: {
    table: 'users',
    key: 'id',
    description: 'The product’s own copy of each user (compared with Supabase Auth).',
    columns: {
      id: col('id', 'text', { notNull: true }),
      email: col('email', 'text', { notNull: true }),
      name: col('name', 'text'),
      emailVerified: col('email_verified', 'boolean', { notNull: true, default: false }),
      role: col('role', 'text', { notNull: true, default: 'user' }),
      createdAt: col('created_at', 'timestamp'),
      updatedAt: col('updated_at', 'timestamp'),
    },
    unique: [['email']],
    // Emails match case-insensitively everywhere (DESIGN §4.8): `lower(email) = lower(?)` uses this index.
    lowerIndexes: ['email'],
  },
  userSyncSettings: {
    table: 'user_sync_settings',
    key: 'userId',
    description: 'Per-user storage sync switches; a user without a row has auto-sync on.',
    columns: {
      userId: col('user_id', 'text', { notNull: true }),
      autoSync: col('auto_sync', 'boolean', { notNull: true, default: true }),
      deleteAfterSync: col('delete_after_sync', 'boolean', { notNull: true, default: false }),
      syncIntervalMinutes: col('sync_interval_minutes', 'integer', { notNull: true, default: 360 }),
    },
  },
  storageAccounts: {
    table: 'storage_accounts',
    key: 'id',
    description: 'Each user’s connected Google Drive or Dropbox account with its OAuth tokens.',
    columns: {
      id: col('id', 'text', { notNull: true }),
      userId: col('user_id', 'text', { notNull: true }),
      provider: col('provider', 'text', { notNull: true }),
      accessToken: col('access_token', 'text'),
      refreshToken: col('refresh_token', 'text'),
      tokenExpiresAt: col('token_expires_at', 'bigint'),
      needsReconnect: col('needs_reconnect', 'boolean', { notNull: true, default: false }),
    },
    unique: [['userId', 'provider']],
  },
  files: {
    table: 'files',
    key: 'id',
    description: 'Files the product shows, each mirroring a file in the user’s Drive or Dropbox.',
    columns: {
      id: col('id', 'text', { notNull: true }),
      userId: col('user_id', 'text', { notNull: true }),
      provider: col('provider', 'text', { notNull: true }),
      providerFileId: col('provider_file_id', 'text', { notNull: true }),
      name: col('name', 'text'),
      size: col('size', 'bigint'),
      createdAt: col('created_at', 'timestamp'),
    },
    unique: [['provider', 'providerFileId']],
    // storage-orphans reads one user's rows of one provider in id order (keyset) for their cloud ids: without this index
    // every account would scan the table; with the cloud id in it, the diff reads the index alone.
    indexes: [['userId', 'provider', 'id', 'providerFileId']],
  },
  fileQuarantine: {
    table: 'file_quarantine',
    key: 'id',
    description: 'File rows the storage-orphans engine removed from files, kept restorable until purgeAfter.',
    // Syncwarden's own table: a row moves here and out of files in one transaction, keyed by the files row id.
    columns: {
      id: col('id', 'text', { notNull: true }),
      userId: col('user_id', 'text', { notNull: true }),
      provider: col('provider', 'text', { notNull: true }),
      providerFileId: col('provider_file_id', 'text', { notNull: true }),
      name: col('name', 'text'),
      size: col('size', 'bigint'),
      createdAt: col('created_at', 'timestamp'),
      quarantinedAt: col('quarantined_at', 'timestamp', { notNull: true }),
      purgeAfter: col('purge_after', 'timestamp', { notNull: true }),
      reason: col('reason', 'text'),
      runId: col('run_id', 'bigint'),
    },
  },
  videos: {
    table: 'videos',
    key: 'id',
    description: 'Videos stored in Cloudinary under <root>/users/<email>/videos.',
    columns: mediaColumns({}),
    unique: [['publicId']],
  },
  clips: {
    table: 'clips',
    key: 'id',
    description: 'Clips cut from a video, stored under <root>/users/<email>/clips.',
    columns: mediaColumns({ videoId: col('video_id', 'text') }),
    unique: [['publicId']],
  },
  emails: {
    table: 'emails',
    key: 'id',
    description: 'Messages imported from each user’s Gmail.',
    columns: {
      id: col('id', 'text', { notNull: true }),
      userId: col('user_id', 'text', { notNull: true }),
      gmailMessageId: col('gmail_message_id', 'text', { notNull: true }),
      threadId: col('thread_id', 'text'),
      subject: col('subject', 'text'),
      fromAddress: col('from_address', 'text'),
      snippet: col('snippet', 'text'),
      receivedAt: col('received_at', 'timestamp'),
    },
    unique: [['userId', 'gmailMessageId']],
  },
  mailSettings: {
    table: 'mail_settings',
    key: 'userId',
    description: 'Per-user Gmail import schedule and history cursor.',
    columns: {
      userId: col('user_id', 'text', { notNull: true }),
      enabled: col('enabled', 'boolean', { notNull: true, default: false }),
      intervalMinutes: col('interval_minutes', 'integer', { notNull: true, default: 30 }),
      historyId: col('history_id', 'text'),
      lastImportAt: col('last_import_at', 'timestamp'),
    },
  },
  sheetCache: {
    table: 'sheet_cache',
    key: 'id',
    description: 'The local cache of an imported Google Sheet, one row per sheet row.',
    columns: {
      id: col('id', 'text', { notNull: true }),
      source: col('source', 'text', { notNull: true }),
      rowNumber: col('row_number', 'integer', { notNull: true }),
      data: col('data', 'text', { notNull: true }),
      importedAt: col('imported_at', 'timestamp'),
    },
    unique: [['source', 'rowNumber']],
  },
} as const satisfies Record<string, EntitySpec>;

export type EntityName = keyof typeof CANONICAL_ENTITIES;
export type EntityColumn<E extends EntityName> = keyof (typeof CANONICAL_ENTITIES)[E]['columns'];
export const ENTITY_NAMES = Object.keys(CANONICAL_ENTITIES) as EntityName[];
