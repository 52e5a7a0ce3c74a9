import { z } from 'zod';

/**
 * Params follow the engines' convention (docs/architecture.md). `import`
 * (the default, what schedules run) inserts new mail; `check` reports what an
 * import would bring in and writes nothing (mail-check.ts). Without `user`,
 * every user whose mail settings are enabled is visited; scheduled runs pass
 * one user and `autoRepair` (meaningless here, accepted so every schedule can
 * pass it).
 */
export const MailImportParams = z.strictObject({
  mode: z.enum(['import', 'check']).default('import'),
  /** A user id (the users entity's key). */
  user: z.string().min(1).max(200).optional(),
  /** How far back the first pass (and a fallback after an expired cursor) reads. */
  windowDays: z.number().int().min(1).max(3650).default(30),
  autoRepair: z.boolean().optional(),
  /** A named Google connection (the OAuth client), when there are several. */
  connection: z.string().min(1).max(80).optional(),
});
export type MailImportParams = z.infer<typeof MailImportParams>;

/**
 * One import per user at a time; an import of everyone runs beside one user's (inserts are idempotent).
 * A check has scopes of its own (`check:user:<id>`, `check:all`). Sharing the import's would make a check
 * requested during an import *join* it (runs.start answers the running run): the admin who asked "what
 * would be imported" would get an import that wrote; and an import requested during a check would join the
 * check, so the scheduled import would silently not happen. Beside each other they cannot harm: the check
 * writes nothing an import reads (no rows, no cursor, no flag; a rotated refresh token only while the stored
 * one is still the grant it exchanged, mail-check-tokens.ts), and the import stays idempotent. Two checks of
 * one scope still share one run.
 */
export function scopeOf(params: MailImportParams): string {
  const scope = params.user ? `user:${params.user}` : 'all';
  return params.mode === 'check' ? `check:${scope}` : scope;
}
