import { z } from 'zod';

/** What chose the store this console opened (store-location.ts): the first one set wins. */
export const StoreSourceSchema = z.enum(['option', 'environment', 'settings', 'default']);

export const StoreInfoSchema = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  /** The SQLite file, or the postgres:// URL (never with a password). */
  location: z.string(),
  source: StoreSourceSchema,
  schemaVersion: z.number().int(),
  latestVersion: z.number().int(),
  /** The Settings choice saved on this machine (used at the next start unless --store or SYNCWARDEN_STORE override it). */
  saved: z.string().nullable(),
});

export const StoreSwitchInputSchema = z.strictObject({
  /** A postgres:// URL without password, or null for this data directory's own SQLite store. */
  location: z.string().trim().min(1).max(2000).nullable(),
  /** Kept in this machine's keychain for that store, never in the store nor the pointer file. */
  password: z.string().min(1).max(1000).optional(),
});

export const StoreSwitchResultSchema = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  location: z.string(),
  /** null: not read now (this data directory's SQLite store is checked when it opens at the next start). */
  schemaVersion: z.number().int().nullable(),
  /** empty: the schema is created at the next start; needs-migration: migrated then. */
  state: z.enum(['empty', 'needs-migration', 'ready']).nullable(),
  restartRequired: z.literal(true),
  /** --store or SYNCWARDEN_STORE set on this console: the saved choice waits until they are removed. */
  overriddenBy: z.enum(['option', 'environment']).nullable(),
});

export type StoreInfo = z.output<typeof StoreInfoSchema>;
export type StoreSwitchResult = z.output<typeof StoreSwitchResultSchema>;
