import type { EngineSchedulePolicy } from '../engine-policies';

/**
 * A scheduled media import takes the schedule's own params and scope (a check
 * unless they say otherwise). The product has no per-user media settings, and
 * the params have no `autoRepair` (they would refuse the key).
 */
export const mediaSchedule: EngineSchedulePolicy = { autoRepair: false };
