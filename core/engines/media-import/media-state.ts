import { z } from 'zod';
import type { EngineResources } from '../engine-resources';
import type { StoredBudget } from './media-budget';
import type { ScanState } from './media-compare';
import type { FolderCounts } from './media-model';

/**
 * What the engine keeps between runs in the console store (engine_state),
 * each read back through a schema: a file on disk is input like any other.
 * - `budget`: the Admin API budget as last reported (the Media page shows it);
 * - `resume:<scope>`: the cursor and the assets listed by a check stopped by the budget;
 * - `summary`: per-user asset counts of the latest complete listings.
 */
const BudgetSchema = z.object({ limit: z.number(), remaining: z.number(), resetAt: z.string(), observedAt: z.string() });

const ResumeSchema = z.object({
  expression: z.string(),
  cursor: z.string().optional(),
  savedAt: z.string(),
  pages: z.number(),
  // Only the listed assets, never findings: the resumed check compares them with the database as it is then.
  // (A resume point of an older version, which saved findings, fails this schema: the listing starts over.)
  // A shallow check per asset: 50,000 assets through a full object schema held the host too long.
  scan: z.object({
    listed: z.array(z.custom<ScanState['listed'][number]>((v) => typeof v === 'object' && v !== null && typeof (v as { publicId?: unknown }).publicId === 'string' && typeof (v as { folderPath?: unknown }).folderPath === 'string')),
  }),
});
export type ResumePoint = z.infer<typeof ResumeSchema>;

const SummarySchema = z.object({
  checkedAt: z.string(),
  users: z.record(z.string(), z.object({ videos: z.number(), clips: z.number() })),
});
export type MediaSummary = z.infer<typeof SummarySchema>;

type StateReader = Pick<EngineResources['state'], 'get'>;

const read = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

export const readBudget = async (state: StateReader): Promise<StoredBudget | undefined> => read(BudgetSchema, await state.get('budget'));
export const readSummary = async (state: StateReader): Promise<MediaSummary | undefined> => read(SummarySchema, await state.get('summary'));
export const readResume = async (state: StateReader, scope: string): Promise<ResumePoint | undefined> => read(ResumeSchema, await state.get(resumeKey(scope)));
export const resumeKey = (scope: string) => `resume:${scope}`;

/** A user check replaces that user's counts (under any spelling of the email); a check of all replaces every user's. */
export function mergeSummary(previous: MediaSummary | undefined, users: Map<string, FolderCounts>, onlyUser: string | undefined, now: Date): MediaSummary {
  const merged: Record<string, FolderCounts> = onlyUser ? { ...previous?.users } : {};
  if (onlyUser) for (const email of Object.keys(merged)) if (email.toLowerCase() === onlyUser.toLowerCase()) delete merged[email];
  for (const [email, counts] of users) merged[email] = counts;
  return { checkedAt: now.toISOString(), users: merged };
}
