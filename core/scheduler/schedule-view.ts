import type { Schedule, TriggerDescription } from '../api/schedules';
import type { ScheduleHistory, StoredSchedule } from '../store/schedules.repo';
import { describeTrigger } from './describe-trigger';
import { stableFraction } from './jitter';
import type { Scheduler } from './scheduler';
import { compileTrigger } from './triggers';

/** A stored schedule as the contract shows it, with its next run in this host and its last run. */
export function scheduleView(schedule: StoredSchedule, history: ScheduleHistory | undefined, scheduler: Scheduler, now: number): Schedule {
  return {
    id: schedule.id,
    engine: schedule.engine,
    scope: schedule.scope,
    trigger: schedule.trigger,
    triggerText: describeTrigger(schedule.trigger),
    timeZone: schedule.timeZone,
    enabled: schedule.enabled,
    autoRepair: schedule.autoRepair,
    params: schedule.params,
    origin: schedule.origin,
    nextRunAt: nextRunAt(schedule, scheduler, now),
    lastRun: history?.lastRun ?? null,
    lastFiring: history?.lastFiring ?? null,
    failures: schedule.failures,
    updatedBy: schedule.updatedBy,
    updatedAt: schedule.updatedAt,
  };
}

/**
 * While the scheduler runs here, its queue is the truth; in a host that does
 * not run it (a one-shot CLI command) the next slot is computed the same way.
 */
function nextRunAt(schedule: StoredSchedule, scheduler: Scheduler, now: number): string | null {
  if (!schedule.enabled) return null;
  if (scheduler.isStarted) return scheduler.nextRunAt(schedule.id);
  const offsetFraction = schedule.origin === 'app-db' ? stableFraction(schedule.sourceKey ?? String(schedule.id)) : 0;
  const compiled = compileTrigger(schedule.trigger, { timeZone: schedule.timeZone, offsetFraction });
  const next = compiled.ok ? compiled.trigger.next(now) : null;
  return next === null ? null : new Date(next).toISOString();
}

/** schedules.describe: live validation for the form, with the next few firing times. */
export function describeForForm(trigger: Parameters<typeof compileTrigger>[0], timeZone: string, now: number, count = 3): TriggerDescription {
  const compiled = compileTrigger(trigger, { timeZone });
  if (!compiled.ok) return { valid: false, text: trigger.kind === 'interval' ? '' : describeTrigger(trigger), error: compiled.error, next: [] };
  const next: string[] = [];
  for (let at: number | null = now; next.length < count; ) {
    at = compiled.trigger.next(at);
    if (at === null) break;
    next.push(new Date(at).toISOString());
  }
  return { valid: true, text: compiled.trigger.text, error: null, next };
}
