import type { EngineSchedulePolicy, ScheduleIssue, ScheduledRun } from './engine-policies';

/**
 * The schedule policy of an engine whose `user` param is an email (identity,
 * media-import): a schedule's user scope holds a user id, so a user-scoped
 * schedule would check "nobody" on every firing and say `succeeded`. It is
 * refused; such an engine's schedules check every user. One saved before this
 * rule fails each firing with what to do (like a sheet schedule whose source
 * is gone) instead of checking nobody. Scheduled runs take the schedule's own
 * params and scope (a check unless they say otherwise); the params have no
 * `autoRepair` (they would refuse the key).
 */
export function everyUserSchedule(engineId: string): EngineSchedulePolicy {
  const validate = (schedule: ScheduledRun): ScheduleIssue | null =>
    schedule.scope.kind === 'user' || schedule.scope.kind === 'provider'
      ? { path: ['scope'], message: `a ${engineId} schedule checks every user (one user is checked by email: syncwarden check ${engineId} --user EMAIL)` }
      : null;
  return {
    autoRepair: false,
    validate,
    paramsFor(base, schedule) {
      const refused = validate(schedule);
      if (refused) throw new Error(`This ${engineId} schedule names one user by id, which a ${engineId} run cannot take: ${refused.message}. Edit or delete this schedule.`);
      return base;
    },
  };
}
