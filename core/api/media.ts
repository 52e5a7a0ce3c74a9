import { z } from 'zod';

/**
 * The Media page's read models (media-import engine). Counts come from the
 * engine's latest complete listing (engine state) and the open findings; the
 * budget is the Cloudinary Admin API budget as last reported by an answer.
 */
export const MediaUserCountsSchema = z.object({
  email: z.string(),
  /** Assets in the user's Cloudinary folders at the latest complete listing. */
  videos: z.number().int(),
  clips: z.number().int(),
  /** Open findings: assets without a row (missing-in-db). */
  missing: z.number().int(),
  /** Open findings: row and asset disagree (mismatch). */
  mismatched: z.number().int(),
});
export type MediaUserCounts = z.infer<typeof MediaUserCountsSchema>;

export const MediaBudgetSchema = z.object({
  limit: z.number(),
  remaining: z.number(),
  /** When Cloudinary refills the hourly budget. */
  resetAt: z.string(),
  /** When an answer last reported it. */
  observedAt: z.string(),
});
export type MediaBudget = z.infer<typeof MediaBudgetSchema>;

export const MediaOverviewSchema = z.object({
  /** The latest complete listing; null: never checked. */
  checkedAt: z.string().nullable(),
  users: z.array(MediaUserCountsSchema),
  budget: MediaBudgetSchema.nullable(),
  findings: z.object({ open: z.number().int(), byKind: z.record(z.string(), z.number().int()) }),
});
export type MediaOverview = z.infer<typeof MediaOverviewSchema>;

export const MediaRowSchema = z.object({
  kind: z.enum(['video', 'clip']),
  id: z.string(),
  userId: z.string(),
  publicId: z.string(),
  title: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
  secureUrl: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  bytes: z.number().nullable(),
  createdAt: z.string().nullable(),
  /** When the repair that imported it marked its finding repaired. */
  importedAt: z.string(),
  userEmail: z.string().nullable(),
});
export type MediaRow = z.infer<typeof MediaRowSchema>;

export const MediaImportedSchema = z.object({
  rows: z.array(MediaRowSchema),
  /** Why there are no rows to read (no product database connection), if so. */
  unavailable: z.string().nullable(),
});
export type MediaImported = z.infer<typeof MediaImportedSchema>;
