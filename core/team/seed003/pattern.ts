import type { ScheduleTrigger } from '../../api/schedules';

/**
 * The seed-003 pattern: a product that runs its per-user auto-sync as one
 * pg_cron job per user, each job's command calling one function with the
 * user's id (`SELECT run_auto_sync('<user id>')`), and a table mapping each
 * user to its cron job (`auto_sync_jobs`: user id → job id, interval,
 * enabled). The names are the product's; these are seed 003's defaults.
 */
export interface Seed003Names {
  /** The user → cron job table (schema-qualified or not). */
  table: string;
  /** The function every per-user job calls. */
  functionName: string;
}

export const SEED003_DEFAULTS: Seed003Names = { table: 'auto_sync_jobs', functionName: 'run_auto_sync' };

/**
 * The user id a job's command passes, or null when the command is anything
 * else: another function, more statements, a computed argument. Only a
 * command that is exactly one call with one string literal is ours to take
 * over; anything richer is left alone (its meaning is not ours to guess).
 * Both literal forms pg's `format('%L')` writes are read: '…' with doubled
 * quotes and E'…' with backslash escapes.
 */
export function userIdOfCommand(command: string, functionName: string): string | null {
  const fn = functionName.split('.').map(escapeRegExp).join('\\s*\\.\\s*');
  const call = (literal: string) => new RegExp(`^\\s*SELECT\\s+(?:public\\s*\\.\\s*)?${fn}\\s*\\(\\s*${literal}(?:\\s*::\\s*[a-z_ ]+)?\\s*\\)\\s*;?\\s*$`, 'is');
  // A plain literal keeps backslashes as they are (standard_conforming_strings, on since 9.1).
  const plain = call(`'((?:[^']|'')*)'`).exec(command);
  if (plain) return (plain[1] ?? '').replace(/''/g, "'");
  const escaped = call(`E'((?:[^'\\\\]|''|\\\\.)*)'`).exec(command);
  if (escaped) return (escaped[1] ?? '').replace(/''|\\(.)/gs, (_, c: string | undefined) => c ?? "'");
  return null;
}

/**
 * A pg_cron schedule as a console trigger: the every-N-minutes and
 * every-N-hours forms become intervals (what per-user schedules use, with the
 * console's per-user jitter); anything else stays a cron expression read in
 * UTC, the zone pg_cron runs in.
 */
export function triggerOfCronSchedule(schedule: string): ScheduleTrigger {
  const s = schedule.trim().replace(/\s+/g, ' ');
  const everyMinutes = /^\*\/(\d+) \* \* \* \*$/.exec(s);
  if (everyMinutes && Number(everyMinutes[1]) >= 1 && Number(everyMinutes[1]) <= 59) return { kind: 'interval', minutes: Number(everyMinutes[1]) };
  if (s === '* * * * *') return { kind: 'interval', minutes: 1 };
  if (/^\d+ \* \* \* \*$/.test(s)) return { kind: 'interval', minutes: 60 };
  const everyHours = /^\d+ \*\/(\d+) \* \* \*$/.exec(s);
  if (everyHours && Number(everyHours[1]) >= 1 && Number(everyHours[1]) <= 23) return { kind: 'interval', minutes: Number(everyHours[1]) * 60 };
  return { kind: 'cron', expression: s };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
