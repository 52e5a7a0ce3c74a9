import { z } from 'zod';

/**
 * Params follow the engines' convention (docs/architecture.md). The only mode
 * is `import`: there is nothing to check or repair, new mail is simply
 * inserted. Without `user`, every user whose mail settings are enabled is
 * imported; scheduled runs pass one user and `autoRepair` (meaningless here,
 * accepted so every schedule can pass it).
 */
export const MailImportParams = z.strictObject({
  mode: z.literal('import').default('import'),
  /** A user id (the users entity's key). */
  user: z.string().min(1).max(200).optional(),
  /** How far back the first pass (and a fallback after an expired cursor) reads. */
  windowDays: z.number().int().min(1).max(3650).default(30),
  autoRepair: z.boolean().optional(),
  /** A named Google connection (the OAuth client), when there are several. */
  connection: z.string().min(1).max(80).optional(),
});
export type MailImportParams = z.infer<typeof MailImportParams>;

/** One import per user at a time; an import of everyone runs beside one user's (inserts are idempotent). */
export function scopeOf(params: MailImportParams): string {
  return params.user ? `user:${params.user}` : 'all';
}
