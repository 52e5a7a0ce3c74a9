import { validateDetailed } from 'node-cron';

/**
 * Cron expressions: node-cron validates and expands them (`validateDetailed`
 * gives per-field messages and the expanded value lists). node-cron 4.6 does
 * not export "next match after a given date" (its TimeMatcher is internal and
 * getNextRun() reads the real clock), so this small matcher walks the
 * expanded fields from any instant, in any IANA time zone, which is what a
 * fake clock needs. Semantics are node-cron's: day of month AND weekday must
 * both match (standard cron ORs them when both are restricted).
 */
export interface CronPlan {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
}

export type CronParse = { ok: true; plan: CronPlan } | { ok: false; error: string };

const FIELD_WORDS: Record<string, string> = {
  second: 'seconds',
  minute: 'minute',
  hour: 'hour',
  dayOfMonth: 'day of month',
  month: 'month',
  dayOfWeek: 'weekday',
};

export function parseCron(expression: string): CronParse {
  const trimmed = expression.trim();
  const fields = trimmed.split(/\s+/);
  if (!trimmed.startsWith('@') && fields.length === 6) {
    return { ok: false, error: 'seconds are not supported: use 5 fields (minute hour day-of-month month weekday)' };
  }
  if (!trimmed.startsWith('@') && fields.length !== 5) {
    return { ok: false, error: `expected 5 fields (minute hour day-of-month month weekday) but got ${fields.length}` };
  }
  const result = validateDetailed(trimmed);
  if (!result.valid || !result.fields) {
    const first = result.errors[0];
    const where = first?.field && FIELD_WORDS[first.field] ? `${FIELD_WORDS[first.field]}: ` : '';
    return { ok: false, error: `${where}${(first?.message ?? 'invalid cron expression').replace(' is a invalid ', ' is not a valid ')}` };
  }
  const { minute, hour, dayOfMonth, month, dayOfWeek } = result.fields;
  const numbers = (values: readonly (number | string)[]): Set<number> | undefined =>
    values.every((v) => typeof v === 'number') ? new Set(values as number[]) : undefined;
  const days = numbers(dayOfMonth);
  const weekdays = numbers(dayOfWeek);
  if (!days || !weekdays) return { ok: false, error: 'L, W and # day tokens are not supported in schedules' };
  return { ok: true, plan: { minutes: new Set(minute), hours: new Set(hour), days, months: new Set(month), weekdays } };
}

/** The first whole minute strictly after `afterMs` that the plan matches in `timeZone`, or null within ~30 years. */
export function nextCronTime(plan: CronPlan, timeZone: string, afterMs: number): number | null {
  let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  for (let step = 0; step < 20_000; step++) {
    const p = zonedParts(t, timeZone);
    if (!plan.months.has(p.month) || !plan.days.has(p.day) || !plan.weekdays.has(p.weekday)) {
      // Jump to the next local midnight (a DST change re-evaluates on the next step).
      t += ((23 - p.hour) * 60 + (60 - p.minute)) * 60_000;
    } else if (!plan.hours.has(p.hour)) {
      t += (60 - p.minute) * 60_000;
    } else if (!plan.minutes.has(p.minute)) {
      t += 60_000;
    } else {
      return t;
    }
  }
  return null;
}

interface ZonedParts {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function zonedParts(ms: number, timeZone: string): ZonedParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, format);
  }
  const out: ZonedParts = { month: 0, day: 0, weekday: 0, hour: 0, minute: 0 };
  for (const part of format.formatToParts(ms)) {
    if (part.type === 'month') out.month = Number(part.value);
    else if (part.type === 'day') out.day = Number(part.value);
    else if (part.type === 'weekday') out.weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') out.hour = Number(part.value);
    else if (part.type === 'minute') out.minute = Number(part.value);
  }
  return out;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (knownZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  // Building a formatter costs ~0.1 ms: 10,000 per-user schedules share a handful of zones.
  knownZones.add(timeZone);
  return true;
}

const knownZones = new Set<string>();
