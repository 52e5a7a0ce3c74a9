import type { ScheduleTrigger } from '../api/schedules';
import { MAX_INTERVAL_MINUTES } from '../api/schedules';
import { isValidTimeZone, nextCronTime, parseCron } from './cron-next';
import { describeTrigger } from './describe-trigger';

/** A validated trigger: its words and its next due time after any instant. */
export interface CompiledTrigger {
  text: string;
  /** The interval length for interval triggers (the retry window), null for cron. */
  intervalMs: number | null;
  next(afterMs: number): number | null;
}

export type TriggerCompile = { ok: true; trigger: CompiledTrigger } | { ok: false; error: string; field: 'trigger' | 'timeZone' };

export interface CompileOptions {
  timeZone: string;
  /**
   * Where inside each interval the slot falls, as a fraction of it. Per-user
   * schedules pass a stable per-user fraction (jitter.ts); console interval
   * schedules use 0, so "every 60 minutes" fires on the hour.
   */
  offsetFraction?: number;
}

/** Validates a trigger with a message a person can act on, and compiles it. */
export function compileTrigger(trigger: ScheduleTrigger, options: CompileOptions): TriggerCompile {
  if (!isValidTimeZone(options.timeZone)) return { ok: false, field: 'timeZone', error: `"${options.timeZone}" is not a known time zone (use an IANA name like Europe/Paris or UTC)` };
  if (trigger.kind === 'interval') {
    const minutes = trigger.minutes;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_INTERVAL_MINUTES) {
      return { ok: false, field: 'trigger', error: `the interval must be a whole number of minutes from 1 to ${MAX_INTERVAL_MINUTES}` };
    }
    const intervalMs = minutes * 60_000;
    const offset = Math.floor((options.offsetFraction ?? 0) * intervalMs);
    return {
      ok: true,
      trigger: {
        text: describeTrigger(trigger),
        intervalMs,
        // Slots are aligned to the epoch (plus the offset), so they survive restarts unchanged.
        next: (afterMs) => (Math.floor((afterMs - offset) / intervalMs) + 1) * intervalMs + offset,
      },
    };
  }
  const parsed = parseCron(trigger.expression);
  if (!parsed.ok) return { ok: false, field: 'trigger', error: `Invalid cron expression "${trigger.expression.trim()}": ${parsed.error}` };
  return { ok: true, trigger: { text: describeTrigger(trigger), intervalMs: null, next: (afterMs) => nextCronTime(parsed.plan, options.timeZone, afterMs) } };
}

/** The host's IANA zone: the default for new schedules. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
