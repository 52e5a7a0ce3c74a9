import { z } from 'zod';
import { Count, engineResult } from '../engine-result';
import type { EngineModes } from '../engine-policies';

/** The results of media-import runs, per mode (media-check.ts, media-repair.ts). */

/** The Admin API budget as this run left it: its own calls, what it was allowed, what Cloudinary says remains. */
const Budget = z.object({ calls: Count, allowance: z.number().min(0).nullable(), remaining: z.number().nullable() });

/** A listing stopped by the budget or a rate limit: saved, to be resumed by the next check; no findings. */
const StoppedCheck = engineResult({
  complete: z.literal(false),
  stoppedBy: z.enum(['budget', 'rate-limited']),
  resumed: z.boolean(),
  assetsListed: Count,
  budget: Budget,
});

const CompleteCheck = engineResult({
  complete: z.literal(true),
  resumed: z.boolean(),
  assets: Count,
  ignored: Count,
  users: Count,
  /** Findings by kind. */
  byKind: z.record(z.string(), Count),
  budget: Budget,
});

export const MediaCheckResult = z.union([CompleteCheck, StoppedCheck]);
export type MediaCheckResult = z.output<typeof MediaCheckResult>;

export const MediaRepairResult = engineResult({
  chosen: Count,
  inserted: Count,
  alreadyPresent: Count,
  skipped: Count,
  unknownOwner: Count,
  invalid: Count,
  refused: Count,
  unlinkedClips: Count,
  insertMs: z.number().min(0),
  itemsFailed: Count,
});
export type MediaRepairResult = z.output<typeof MediaRepairResult>;

export const mediaImportModes = {
  check: { result: MediaCheckResult, description: 'List the Cloudinary folders and record the assets with no row.' },
  repair: { result: MediaRepairResult, description: 'Import the rows of the chosen findings.' },
} satisfies EngineModes;
