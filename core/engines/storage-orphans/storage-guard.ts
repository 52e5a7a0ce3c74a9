import type { StorageSummary } from '../../api/storage';
import type { EngineStateRepository } from '../../store/engine-state.repo';
import { AUTO_REPAIR_MAX_ROWS, AUTO_REPAIR_MAX_SHARE, ENGINE_ID } from './storage-model';

/** What a run reports when the guard stopped an automatic repair (the notifier reads it from run.finished). */
export interface SafetyGuardTrip {
  tripped: true;
  limit: number;
  wouldDelete: number;
  userId?: string;
}

const GUARD_KEY = 'guardBlocked';

/**
 * DESIGN §4.3: an automatic run deletes at most 50 rows or 10 % of a user's
 * files, whichever is smaller; past it, it deletes nothing of that user and
 * leaves the findings for a person. Rounding down: a user with 9 files gets
 * no automatic deletion at all.
 */
export function autoRepairLimit(userFiles: number): number {
  return Math.min(AUTO_REPAIR_MAX_ROWS, Math.floor(userFiles * AUTO_REPAIR_MAX_SHARE));
}

/** Runs not started by a person (the scheduler) are the automatic ones. */
export const isAutomatic = (trigger: string) => trigger === 'schedule';

export async function readGuardBlocked(state: Pick<EngineStateRepository, 'get'>): Promise<StorageSummary['guardBlocked']> {
  return await state.get<NonNullable<StorageSummary['guardBlocked']>>(ENGINE_ID, GUARD_KEY) ?? null;
}

/** The Storage page's banner: the latest automatic repair's trip, cleared by one that stayed inside the limit. */
export async function recordGuard(state: { set(key: string, value: unknown): Promise<void>; delete(key: string): Promise<void> }, runId: number, worst: SafetyGuardTrip | undefined): Promise<void> {
  if (worst) await state.set(GUARD_KEY, { runId, wouldDelete: worst.wouldDelete, limit: worst.limit });
  else await state.delete(GUARD_KEY);
}
