import { z } from 'zod';
import { STORAGE_PROVIDERS } from '../api/storage';
import { MAX_FAILED_ITEMS, type FailedItem } from './failed-items';

/**
 * The result every engine returns, whatever it does (issue 17): the shared
 * base of every mode's result schema. run-manager validates each result
 * against it and against the schema of the mode that ran (result-check.ts),
 * so the notifier, history and UI read these fields typed instead of
 * "defensively".
 *
 * Objects are loose: a field a schema does not declare is kept as it came
 * (a result is stored as the engine returned it, never rewritten by a
 * schema), while every declared field must have its declared type.
 */

/** A count of things: never negative, never fractional. */
export const Count = z.number().int().min(0);

export const FailedItemSchema = z.object({ item: z.string(), reason: z.string() }) satisfies z.ZodType<FailedItem>;

/** A user account a run found refused (`invalid_grant`): the notifier asks the user to reconnect (DESIGN §4.2). */
export const NeedsReconnectSchema = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  provider: z.enum(STORAGE_PROVIDERS),
});
export type NeedsReconnect = z.output<typeof NeedsReconnectSchema>;

/** An automatic repair the mass-deletion guard stopped (DESIGN §4.5): the notifier reads it from run.finished. */
export const SafetyGuardSchema = z.object({
  tripped: z.boolean(),
  limit: Count,
  wouldDelete: Count,
  userId: z.string().optional(),
});
export type SafetyGuard = z.output<typeof SafetyGuardSchema>;

const baseShape = {
  /** The mode that ran; when an engine names it, it must be the mode run-manager ran (run-manager stamps it otherwise). */
  mode: z.string().min(1).optional(),
  /** false: the run stopped early (an API budget) and covered less than it was asked to; such a check never supersedes. */
  complete: z.boolean().optional(),
  /** Items that failed: > 0 ends the run `partial`, never `succeeded` (DESIGN §4.6; failed-items.ts). */
  itemsFailed: Count.optional(),
  failedItems: z.array(FailedItemSchema).max(MAX_FAILED_ITEMS).optional(),
  failedItemsTruncated: z.literal(true).optional(),
  needsReconnect: z.array(NeedsReconnectSchema).optional(),
  safetyGuard: SafetyGuardSchema.optional(),
};

/**
 * FailedItems' invariants (failed-items.ts): a listed failure is counted, and
 * "truncated" means more were counted than listed. A result that breaks them
 * could say "succeeded" over failures it names.
 */
function failedItemsAgree(value: unknown, ctx: z.RefinementCtx): void {
  // Runs after the fields parsed, under any mode's shape: read them by their base types, nothing else.
  const result = value as Partial<Record<'itemsFailed' | 'failedItems' | 'failedItemsTruncated', unknown>>;
  const listed = Array.isArray(result.failedItems) ? result.failedItems.length : 0;
  const counted = typeof result.itemsFailed === 'number' ? result.itemsFailed : 0;
  if (listed > counted) ctx.addIssue({ code: 'custom', path: ['itemsFailed'], message: `${listed} failed items are listed but itemsFailed is ${counted}` });
  if (result.failedItemsTruncated === true && counted <= listed) ctx.addIssue({ code: 'custom', path: ['failedItemsTruncated'], message: 'failedItemsTruncated needs more failed items counted than listed' });
}

/** The base every result satisfies; run-manager checks it for every engine, even one that declares no modes. */
export const EngineResultBase = z.looseObject(baseShape).superRefine(failedItemsAgree);
export type EngineResult = z.output<typeof EngineResultBase>;

/**
 * A mode's result schema: the base plus the mode's own fields. Fields the
 * base declares may be narrowed (`itemsFailed: Count` makes it required).
 */
export function engineResult<S extends z.core.$ZodLooseShape>(shape: S) {
  // A spread of a generic shape types as an intersection; the mode's own field replaces the base's, so say so.
  const merged = { ...baseShape, ...shape } as Omit<typeof baseShape, keyof S> & S;
  return z.looseObject(merged).superRefine(failedItemsAgree);
}

/** What a stored run's result holds beyond the engine's: run-manager adds both. */
export const RunResultSchema = z.looseObject({
  ...baseShape,
  /** Findings the run recorded. */
  findings: Count.optional(),
  /** The engine's own result, kept when it failed its schema (the run then ended `failed`, code `invalid-result`). */
  rejectedResult: z.unknown().optional(),
});
export type RunResult = z.output<typeof RunResultSchema>;

/**
 * The typed base fields of a stored run's result, for readers (notifier,
 * history, UI). Runs stored before results were validated may not match:
 * those read as an empty result rather than as whatever they hold.
 */
export function readRunResult(result: Record<string, unknown> | null | undefined): RunResult {
  const parsed = RunResultSchema.safeParse(result ?? {});
  return parsed.success ? parsed.data : {};
}
