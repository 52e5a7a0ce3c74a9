import type { EngineSchedulePolicy, ScheduleIssue, ScheduledRun } from '../engine-policies';

/**
 * A scheduled identity run takes the schedule's own params and scope (a check
 * unless they say otherwise). The product has no per-user identity settings,
 * and the params have no `autoRepair` (they would refuse the key).
 *
 * A schedule's user scope holds a user id, but this engine's `user` is an
 * email: a user-scoped schedule would check "nobody" on every firing and say
 * `succeeded`. It is refused; an identity schedule checks everyone. One
 * saved before this rule fails each firing with what to do (like a sheet
 * schedule whose source is gone) instead of checking nobody.
 */
export const identitySchedule: EngineSchedulePolicy = {
  autoRepair: false,
  validate,
  paramsFor(base, schedule) {
    const refused = validate(schedule);
    if (refused) throw new Error(`This identity schedule names one user by id, which an identity run cannot take: ${refused.message}. Edit or delete this schedule.`);
    return base;
  },
};

function validate(schedule: ScheduledRun): ScheduleIssue | null {
  if (schedule.scope.kind === 'user' || schedule.scope.kind === 'provider') {
    return { path: ['scope'], message: 'an identity schedule checks every user (one user is checked by email: syncwarden check identity --user EMAIL)' };
  }
  return null;
}
