import type { EngineSchedulePolicy } from '../engine-policies';

/**
 * A scheduled identity run takes the schedule's own params and scope (a check
 * unless they say otherwise). The product has no per-user identity settings,
 * and the params have no `autoRepair` (they would refuse the key).
 */
export const identitySchedule: EngineSchedulePolicy = { autoRepair: false };
