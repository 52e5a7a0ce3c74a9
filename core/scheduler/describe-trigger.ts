import type { ScheduleTrigger } from '../api/schedules';

/**
 * A trigger in words, for the Schedules page, the tray and the CLI:
 * "every 30 minutes", "at 02:00 every day", "at 08:30 on weekdays". Common
 * cron shapes get a sentence; anything else falls back to the expression.
 */
export function describeTrigger(trigger: ScheduleTrigger): string {
  return trigger.kind === 'interval' ? describeInterval(trigger.minutes) : describeCron(trigger.expression);
}

export function describeInterval(minutes: number): string {
  if (minutes === 1) return 'every minute';
  if (minutes % 1440 === 0) return minutes === 1440 ? 'every day' : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'every hour' : `every ${minutes / 60} hours`;
  return `every ${minutes} minutes`;
}

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const NUMBER = /^\d{1,2}$/;

export function describeCron(expression: string): string {
  const raw = expression.trim();
  const fields = (NICKNAMES[raw.toLowerCase()] ?? raw).split(/\s+/);
  const fallback = `cron "${raw}"`;
  if (fields.length !== 5) return fallback;
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  if (month !== '*') return fallback;
  const everyN = (field: string) => /^\*\/(\d+)$/.exec(field)?.[1];

  if (hour === '*' && day === '*' && weekday === '*') {
    if (minute === '*') return 'every minute';
    const n = everyN(minute);
    if (n) return describeInterval(Number(n));
    if (NUMBER.test(minute)) return minute === '0' ? 'every hour' : `every hour at :${pad(minute)}`;
    return fallback;
  }
  if (!NUMBER.test(minute)) return fallback;
  const hours = everyN(hour);
  if (hours && day === '*' && weekday === '*') return `every ${hours} hours at :${pad(minute)}`;
  if (!NUMBER.test(hour)) return fallback;
  const at = `at ${pad(hour)}:${pad(minute)}`;
  if (day === '*' && weekday === '*') return `${at} every day`;
  if (day === '*') {
    const days = weekdays(weekday);
    return days ? `${at} ${days}` : fallback;
  }
  if (weekday === '*' && NUMBER.test(day)) return `${at} on day ${Number(day)} of every month`;
  return fallback;
}

function weekdays(field: string): string | null {
  if (field === '1-5') return 'on weekdays';
  if (field === '0,6' || field === '6,0') return 'on weekends';
  const days = field.split(',');
  if (!days.every((d) => /^[0-7]$/.test(d))) return null;
  const names = days.map((d) => DAY_NAMES[Number(d) % 7] as string);
  return names.length === 1 ? `every ${names[0]}` : `on ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function pad(value: string): string {
  return value.padStart(2, '0');
}
