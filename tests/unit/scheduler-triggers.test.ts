import { describe, expect, it } from 'vitest';
import { DueQueue } from '../../core/scheduler/due-queue';
import { describeCron, describeInterval } from '../../core/scheduler/describe-trigger';
import { stableFraction } from '../../core/scheduler/jitter';
import { describeForForm } from '../../core/scheduler/schedule-view';
import { compileTrigger } from '../../core/scheduler/triggers';

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, timeZone: string, from: string) => {
  const compiled = compileTrigger({ kind: 'cron', expression }, { timeZone });
  if (!compiled.ok) throw new Error(compiled.error);
  const n = compiled.trigger.next(at(from));
  return n === null ? null : new Date(n).toISOString();
};

describe('triggers', () => {
  it('describes common shapes in words and falls back to the expression', () => {
    expect(describeInterval(30)).toBe('every 30 minutes');
    expect(describeInterval(60)).toBe('every hour');
    expect(describeInterval(360)).toBe('every 6 hours');
    expect(describeInterval(1440)).toBe('every day');
    expect(describeCron('0 2 * * *')).toBe('at 02:00 every day');
    expect(describeCron('30 8 * * 1-5')).toBe('at 08:30 on weekdays');
    expect(describeCron('0 9 * * 1')).toBe('at 09:00 every Monday');
    expect(describeCron('*/15 * * * *')).toBe('every 15 minutes');
    expect(describeCron('5 * * * *')).toBe('every hour at :05');
    expect(describeCron('0 */6 * * *')).toBe('every 6 hours at :00');
    expect(describeCron('0 3 1 * *')).toBe('at 03:00 on day 1 of every month');
    expect(describeCron('@daily')).toBe('at 00:00 every day');
    expect(describeCron('0 0 1 1,7 *')).toBe('cron "0 0 1 1,7 *"');
  });

  it('invalid triggers get a message that says what to fix', () => {
    const error = (expression: string, timeZone = 'UTC') => {
      const compiled = compileTrigger({ kind: 'cron', expression }, { timeZone });
      return compiled.ok ? null : compiled.error;
    };
    expect(error('61 * * * *')).toBe('Invalid cron expression "61 * * * *": minute: 61 is not a valid expression for minute');
    expect(error('0 2 * *')).toMatch(/expected 5 fields \(minute hour day-of-month month weekday\) but got 4/);
    expect(error('0 0 2 * * *')).toMatch(/seconds are not supported/);
    expect(error('0 0 31 2 *')).toMatch(/impossible day of month/);
    expect(error('0 0 L * *')).toMatch(/L, W and # day tokens are not supported/);
    expect(error('0 2 * * *', 'Mars/Olympus')).toMatch(/"Mars\/Olympus" is not a known time zone/);
    expect(compileTrigger({ kind: 'interval', minutes: 0 }, { timeZone: 'UTC' })).toMatchObject({ ok: false, error: /1 to 10080/ });
  });

  it('cron next times follow the time zone, across a daylight-saving change', () => {
    expect(next('0 2 * * *', 'UTC', '2026-03-02T00:00:00Z')).toBe('2026-03-02T02:00:00.000Z');
    expect(next('0 2 * * *', 'Europe/Paris', '2026-03-02T00:00:00Z')).toBe('2026-03-02T01:00:00.000Z');
    // New York springs forward on 8 March 2026: 08:30 EST is 13:30Z before, 08:30 EDT is 12:30Z after.
    expect(next('30 8 * * 1-5', 'America/New_York', '2026-03-06T14:00:00Z')).toBe('2026-03-09T12:30:00.000Z');
    expect(next('30 8 * * 1-5', 'America/New_York', '2026-03-05T14:00:00Z')).toBe('2026-03-06T13:30:00.000Z');
    expect(next('0 0 29 2 *', 'UTC', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('*/15 * * * *', 'Asia/Kolkata', '2026-03-02T00:07:30Z')).toBe('2026-03-02T00:15:00.000Z');
  });

  it('interval slots are epoch-aligned plus the per-user offset, so they survive restarts', () => {
    const plain = compileTrigger({ kind: 'interval', minutes: 60 }, { timeZone: 'UTC' });
    const jittered = compileTrigger({ kind: 'interval', minutes: 60 }, { timeZone: 'UTC', offsetFraction: 0.25 });
    if (!plain.ok || !jittered.ok) throw new Error('compile failed');
    expect(new Date(plain.trigger.next(at('2026-03-02T10:20:00Z')) as number).toISOString()).toBe('2026-03-02T11:00:00.000Z');
    expect(new Date(jittered.trigger.next(at('2026-03-02T10:20:00Z')) as number).toISOString()).toBe('2026-03-02T11:15:00.000Z');
    expect(new Date(jittered.trigger.next(at('2026-03-02T10:10:00Z')) as number).toISOString()).toBe('2026-03-02T10:15:00.000Z');
  });

  it('per-user jitter is stable and spreads users evenly', () => {
    expect(stableFraction('mail-import:ada')).toBe(stableFraction('mail-import:ada'));
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(stableFraction(`mail-import:user-${i}`) * 10)]!++;
    for (const n of buckets) expect(n).toBeGreaterThan(850);
  });

  it('describe for the form gives words, the next times, or the error', () => {
    expect(describeForForm({ kind: 'cron', expression: '0 2 * * *' }, 'UTC', at('2026-03-02T03:00:00Z'))).toEqual({
      valid: true,
      text: 'at 02:00 every day',
      error: null,
      next: ['2026-03-03T02:00:00.000Z', '2026-03-04T02:00:00.000Z', '2026-03-05T02:00:00.000Z'],
    });
    expect(describeForForm({ kind: 'cron', expression: 'every day' }, 'UTC', 0)).toMatchObject({ valid: false, next: [], error: /expected 5 fields/ });
  });

  it('the due queue pops earliest first and forgets rescheduled entries', () => {
    const queue = new DueQueue();
    queue.set(1, 300);
    queue.set(2, 100);
    queue.set(3, 200);
    queue.set(2, 400); // rescheduled: the entry at 100 is stale
    queue.delete(3);
    expect(queue.popDue(350)).toEqual([{ id: 1, at: 300 }]);
    expect(queue.peek()).toEqual({ id: 2, at: 400 });
    expect(queue.size).toBe(1);
  });
});
