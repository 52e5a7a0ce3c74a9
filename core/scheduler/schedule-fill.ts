import type { ScheduleLackingSlot, SchedulesRepository, StoredSchedule } from '../store/schedules.repo';
import { stableFraction } from './jitter';
import { compileTrigger } from './triggers';

/** What filling a slot reads of a schedule (the run template's engine call takes it too). */
export type FillSchedule = Pick<StoredSchedule, 'id' | 'origin' | 'sourceKey' | 'engine' | 'scope' | 'trigger' | 'timeZone' | 'autoRepair' | 'params'>;

/** The run a firing starts; an Error when the schedule cannot start one (its firing fails with the message). */
export type RunTemplateOf = (schedule: FillSchedule) => Promise<{ scope: string; params: Record<string, unknown> } | Error>;

const PAGE = 500;

/**
 * What SQL cannot compute for team mode's tick (core/team/schedule-tick.pg.ts),
 * filled in by JS for every enabled schedule that lacks it: the next slot (a
 * new or edited schedule, and a cron-expression schedule after each firing:
 * the console's cron reader and time zones), and the run template (the run's
 * scope and params as the engine computes them). Interval slots carry the
 * same per-user jitter the desktop scheduler uses, so SQL keeps it by adding
 * whole intervals. Called before each tick by whoever runs the tick's clock
 * (`syncwarden schedules tick`, a worker), and cheap when nothing is missing
 * (an index-less scan of the enabled rows lacking a slot, a page at a time).
 */
export async function fillScheduleSlots(schedules: SchedulesRepository, runOf: RunTemplateOf, nowMs: number): Promise<{ filled: number; invalid: number }> {
  let filled = 0;
  let invalid = 0;
  for (let after = 0; ; ) {
    const page = await schedules.lackingSlots(after, PAGE);
    for (const schedule of page) {
      const next = schedule.nextRunAt ?? nextSlot(schedule, schedule, nowMs);
      const template = schedule.hasRunTemplate ? null : await runOf(schedule);
      if (next === null || template instanceof Error) {
        invalid++;
        continue;
      }
      await schedules.setSlot(schedule.id, next, template ?? undefined);
      filled++;
    }
    const last = page.at(-1);
    if (page.length < PAGE || !last) break;
    after = last.id;
  }
  return { filled, invalid };
}

/** Per-user (app-db) schedules spread by a stable per-key offset; console ones fire on the slot (as entry-table.ts). */
export function nextSlot(schedule: FillSchedule, history: Pick<ScheduleLackingSlot, 'lastFiredAt' | 'lastDueAt' | 'createdAt'>, nowMs: number): string | null {
  const offsetFraction = schedule.origin === 'app-db' ? stableFraction(schedule.sourceKey ?? String(schedule.id)) : 0;
  const compiled = compileTrigger(schedule.trigger, { timeZone: schedule.timeZone, offsetFraction });
  if (!compiled.ok) return null;
  // From the last firing (a cron schedule the tick just fired), else the creation: a slot missed since then fires once.
  const from = Date.parse(history.lastFiredAt ?? history.lastDueAt ?? history.createdAt);
  const next = compiled.trigger.next(Number.isFinite(from) ? Math.min(from, nowMs) : nowMs);
  return next === null ? null : new Date(next).toISOString();
}
